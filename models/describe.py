"""Activity sentences: "Ana added Sunscreen to Essentials"."""
from typing import Any

from .common import iso
from .ops import Activity
from .users import User

KIND_WORDS = {'category': 'the category', 'bag': 'the bag', 'traveler': 'the traveler'}
FIELD_WORDS = {'quantity': 'the quantity', 'notes': 'the notes', 'weight_grams': 'the weight',
               'destination': 'the destination', 'start_date': 'the start date', 'end_date': 'the end date'}


def describe(activity: Activity, actor_name: str) -> str:
    """One readable sentence for one change (or a collapsed burst of one person's changes to one thing)."""
    kind, verb = activity.op.split('.')
    name = activity.entity_name
    if activity.op == 'list.create':
        return f'{actor_name} created the list {name}'
    if kind == 'list':
        return f'{actor_name} {_list_change(activity.before, activity.after)}'
    if kind != 'item':
        thing = f'{KIND_WORDS[kind]} {name}'
        if verb == 'update' and 'name' in activity.after and activity.before.get('name') != activity.after['name']:
            return f'{actor_name} renamed {KIND_WORDS[kind]} {activity.before.get("name")} to {activity.after["name"]}'
        return f'{actor_name} {_VERB_WORDS[verb]} {thing}'
    if verb == 'create':
        where = activity.context.get('category')
        return f'{actor_name} added {name}' + (f' to {where}' if where else '')
    if verb in ('delete', 'restore'):
        return f'{actor_name} {_VERB_WORDS[verb]} {name}'
    return f'{actor_name} {_item_change(activity, name)}'


_VERB_WORDS = {'create': 'added', 'update': 'changed', 'delete': 'removed', 'restore': 'restored'}
# the order clauses of a collapsed burst are told in: what the item is called first, then how many, then the rest
ITEM_FIELDS = ('name', 'quantity', 'packed', 'category_id', 'bag_id', 'traveler_id', 'weight_grams', 'notes')


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The fields whose value differs: a burst that put a field back (pack, then unpack) did not change it."""
    return [name for name in after if before.get(name) != after[name]]


def _item_change(activity: Activity, name: str) -> str:
    """What happened to an item, naming every field a collapsed burst changed ("set Sunscreen to 3 and moved it
    to Clothes"), so that a digest or notification made of these sentences says what it is about."""
    before, after, context = activity.before, activity.after, activity.context
    changed = changed_fields(before, after)
    if not changed:
        return f'edited {name}'
    if changed == ['packed'] or set(changed) == {'packed', 'position'}:
        return _item_clause('packed', before, after, context, name)
    if changed == ['position']:
        return f'reordered {name}'
    changed = [f for f in changed if f != 'position']  # moving in the list is a detail next to a real change
    if changed == ['quantity']:
        return f'set the quantity of {name} to {_show(after["quantity"])}'
    ordered = [f for f in ITEM_FIELDS if f in changed] + [f for f in changed if f not in ITEM_FIELDS]
    clauses = [_item_clause(field, before, after, context, name if i == 0 else None)
               for i, field in enumerate(ordered)]
    return _join(clauses)


def _item_clause(field: str, before: dict[str, Any], after: dict[str, Any], context: dict[str, Any],
                 name: str | None) -> str:
    """One change to one item; `name` None means the item was already named in this sentence ("... and packed it")."""
    it = name or 'it'
    value = after[field]
    if field == 'name':
        return f'renamed {before.get("name")} to {value}' if name else f'renamed it to {value}'
    if field == 'quantity':
        return f'set {name} to {_show(value)}' if name else f'set the quantity to {_show(value)}'
    if field == 'packed':
        quantity = context.get('quantity', 1)
        label = (f'{quantity} × {name}' if isinstance(quantity, int) and quantity > 1 else name) if name else 'it'
        return f'packed {label}' if value else f'unpacked {label}'
    if field == 'category_id':
        return f'moved {it} to {context.get("category", "another category")}' if value \
            else f'moved {it} to Uncategorised'
    if field == 'bag_id':
        return f'moved {it} to the {context.get("bag", "other")} bag' if value else f'took {it} out of its bag'
    if field == 'traveler_id':
        return f'assigned {it} to {context.get("traveler", "someone")}' if value else f'unassigned {it}'
    if field == 'position':
        return f'reordered {it}'
    if field == 'notes':
        return f'edited the notes of {name}' if name else 'edited its notes'
    if field == 'weight_grams':
        if value is None:
            return f'cleared the weight of {name}' if name else 'cleared its weight'
        return f'set the weight of {name} to {value} g' if name else f'set its weight to {value} g'
    words = FIELD_WORDS.get(field, f'the {field.removesuffix("_id").replace("_", " ")}')
    return f'set {words} of {name} to {_show(value)}' if name else f'set {words} to {_show(value)}'


def _list_change(before: dict[str, Any], after: dict[str, Any]) -> str:
    clauses = []
    for field in changed_fields(before, after):
        value = after[field]
        if field == 'name':
            clauses.append(f'renamed the list to {value}')
        elif field == 'notes':
            clauses.append('edited the notes' if value else 'cleared the notes')
        elif value in (None, ''):
            clauses.append(f'cleared {FIELD_WORDS.get(field, field)}')
        else:
            clauses.append(f'set {FIELD_WORDS.get(field, field)} to {_show(value)}')
    return _join(clauses) if clauses else 'updated the trip details'


def _join(clauses: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return clauses[0] if len(clauses) == 1 else ', '.join(clauses[:-1]) + ' and ' + clauses[-1]


def _show(value: Any) -> str:
    return str(value)


def activity_entry(activity: Activity, actor: User | None) -> dict[str, Any]:
    """An activity row as the feed and the API show it."""
    name = actor.display_name if actor else 'Someone'
    return {
        'id': str(activity.id), 'at': iso(activity.at), 'action': activity.op,
        'actor': {'id': activity.actor_id, 'display_name': name, 'initials': actor.initials if actor else '?',
                  'color': actor.color if actor else '#888'},
        'entity_id': activity.entity_id, 'summary': describe(activity, name), 'list_version': activity.list_version,
        'before': activity.before, 'after': activity.after,
    }


def inverse(activity: Activity) -> dict[str, Any] | None:
    """The op that reverts one change (type, id, fields), or None when it cannot be reverted."""
    kind, verb = activity.op.split('.')
    if verb == 'create':
        return None if kind == 'list' else {'type': f'{kind}.delete', 'id': activity.entity_id}
    if verb == 'delete':
        return {'type': f'{kind}.restore', 'id': activity.entity_id}
    if verb == 'restore':
        return {'type': f'{kind}.delete', 'id': activity.entity_id}
    fields = {name: activity.before.get(name) for name in activity.after}
    if not fields:
        return None
    return {'type': activity.op, 'id': None if kind == 'list' else activity.entity_id, 'fields': fields}
