"""The data rules need no database: roles, the conflict rule, text limits, activity sentences."""
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect

from models import Action, Activity, Audited, Bag, Category, Item, Role, Traveler, can, describe, find_conflicts, higher
from models.common import clean_name, clean_notes, detached, initials_of, new_id


@pytest.mark.parametrize(('role', 'allowed'), [
    (Role.owner, {Action.read, Action.edit_items, Action.edit_list, Action.delete_list, Action.manage_sharing}),
    (Role.editor, {Action.read, Action.edit_items, Action.edit_list, Action.leave}),
    (Role.viewer, {Action.read, Action.leave}),
    (None, set()),
])
def test_permission_table(role: Role | None, allowed: set[Action]) -> None:
    assert {action for action in Action if can(role, action)} == allowed


def test_accepting_never_lowers_a_role() -> None:
    assert higher(Role.editor, Role.viewer) == Role.editor
    assert higher(Role.viewer, Role.editor) == Role.editor
    assert higher(Role.owner, Role.editor) == Role.owner


def test_names_are_normalised_and_bounded() -> None:
    assert clean_name('  Cafe\u0301  ') == 'Café'
    assert clean_name('x' * 200) == 'x' * 200
    for bad in ('', '   ', 'x' * 201, 'a\x00b', 'tab\there', 'line\nbreak', 'bidi\u202eevil'):
        with pytest.raises(ValueError):
            clean_name(bad)


def test_notes_keep_newlines_but_not_other_controls() -> None:
    assert clean_notes('one\ntwo\tthree') == 'one\ntwo\tthree'
    with pytest.raises(ValueError):
        clean_notes('bell\x07')
    with pytest.raises(ValueError):
        clean_notes('x' * 2001)


def test_initials() -> None:
    assert initials_of('Ana Lima') == 'AL'
    assert initials_of('ben') == 'BE'
    assert initials_of('') == '?'


def stamps(**fields: tuple[int, str]) -> dict:
    return {name: [version, by, '2026-01-01T00:00:00Z'] for name, (version, by) in fields.items()}


def test_a_field_changed_by_someone_else_after_base_is_a_conflict() -> None:
    conflicts = find_conflicts(current={'quantity': 4}, field_versions=stamps(quantity=(7, 'ana')),
                               changes={'quantity': 3}, base_version=5, user_id='ben')
    assert conflicts == [{'field': 'quantity', 'value': 4, 'by': 'ana', 'at': '2026-01-01T00:00:00Z'}]


def test_no_conflict_for_other_fields_same_value_own_change_or_fresh_base() -> None:
    fv = stamps(quantity=(7, 'ana'), name=(3, 'ana'))
    assert find_conflicts(current={'name': 'x'}, field_versions=fv, changes={'name': 'y'}, base_version=5,
                          user_id='ben') == []
    assert find_conflicts(current={'quantity': 3}, field_versions=fv, changes={'quantity': 3}, base_version=5,
                          user_id='ben') == []
    assert find_conflicts(current={'quantity': 4}, field_versions=fv, changes={'quantity': 3}, base_version=5,
                          user_id='ana') == []
    assert find_conflicts(current={'quantity': 4}, field_versions=fv, changes={'quantity': 3}, base_version=7,
                          user_id='ben') == []
    assert find_conflicts(current={'quantity': 4}, field_versions=fv, changes={'quantity': 3}, base_version=None,
                          user_id='ben') == []


@given(base=st.integers(0, 20), changed_at=st.integers(0, 20), same_user=st.booleans(),
       current=st.integers(0, 5), ours=st.integers(0, 5))
def test_conflict_rule_property(base: int, changed_at: int, same_user: bool, current: int, ours: int) -> None:
    """A conflict is reported exactly when someone else changed the field after our base to a different value."""
    conflicts = find_conflicts(current={'quantity': current}, field_versions=stamps(quantity=(changed_at, 'ana')),
                               changes={'quantity': ours}, base_version=base,
                               user_id='ana' if same_user else 'ben')
    expected = changed_at > base and not same_user and current != ours
    assert bool(conflicts) == expected
    if conflicts:
        assert conflicts[0]['value'] == current  # the overwritten value is reported, so it can be restored


def activity(op: str, name: str = 'Sunscreen', before: dict | None = None, after: dict | None = None,
             context: dict | None = None) -> Activity:
    return Activity(list_id='l', actor_id='a', op=op, entity_id='e', entity_name=name, before=before or {},
                    after=after or {}, context=context or {})


@pytest.mark.parametrize(('entry', 'sentence'), [
    (activity('item.create', context={'category': 'Essentials'}), 'Ana added Sunscreen to Essentials'),
    (activity('item.create'), 'Ana added Sunscreen'),
    (activity('item.update', 'T-shirt', {'packed': False}, {'packed': True}, {'quantity': 2}),
     'Ana packed 2 × T-shirt'),
    (activity('item.update', 'Tent', {'bag_id': None}, {'bag_id': 'b'}, {'bag': 'Blue'}),
     'Ana moved Tent to the Blue bag'),
    (activity('item.delete', 'Umbrella'), 'Ana removed Umbrella'),
    (activity('item.restore', 'Umbrella'), 'Ana restored Umbrella'),
    (activity('item.update', 'Socks', {'quantity': 1}, {'quantity': 4}), 'Ana set the quantity of Socks to 4'),
    (activity('item.update', 'Socks', {'name': 'Sock'}, {'name': 'Socks'}), 'Ana renamed Sock to Socks'),
    (activity('category.create', 'Toiletries'), 'Ana added the category Toiletries'),
    (activity('list.update', 'Trip', {'name': 'Old'}, {'name': 'Lisbon'}), 'Ana renamed the list to Lisbon'),
])
def test_activity_sentences(entry: Activity, sentence: str) -> None:
    assert describe(entry, 'Ana') == sentence


@pytest.mark.parametrize('model', [Item, Category, Bag, Traveler])
def test_a_row_built_detached_holds_what_init_would_give_it(model: type[Audited]) -> None:
    """The op path builds new rows with `detached` (no attribute events); they must not lose a default."""
    given_values: dict[str, Any] = {'id': new_id(), 'list_id': new_id(), 'created_by': 'someone', 'name': 'Tent'}
    built, initialised = detached(model, given_values, defaults=True), model(**given_values)
    clock = ('created_at', 'updated_at')  # each read the clock a moment apart
    assert {k: v for k, v in built.model_dump().items() if k not in clock} == \
        {k: v for k, v in initialised.model_dump().items() if k not in clock}
    assert all(getattr(built, name) is not None for name in clock)
    assert built.field_versions is not detached(model, given_values, defaults=True).field_versions  # fresh dicts
    assert inspect(built).transient  # in no session: written with Core statements only
