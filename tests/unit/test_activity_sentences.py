"""A collapsed burst of changes says what it changed: the sentences digests and notifications are made of."""
import pytest

from models import Activity, describe
from models.describe import changed_fields


def update(name: str, before: dict, after: dict, context: dict | None = None, op: str = 'item.update') -> Activity:
    return Activity(list_id='l', actor_id='a', op=op, entity_id='e', entity_name=name, before=before, after=after,
                    context=context or {})


@pytest.mark.parametrize(('entry', 'sentence'), [
    # the burst: pack, unpack, quantity 3, move to Clothes (the packing cancelled out)
    (update('Sunscreen', {'packed': False, 'quantity': 1, 'category_id': None},
            {'packed': False, 'quantity': 3, 'category_id': 'c'}, {'category': 'Clothes', 'quantity': 3}),
     'Ana set Sunscreen to 3 and moved it to Clothes'),
    (update('Sunscrn', {'name': 'Sunscrn', 'packed': False}, {'packed': True, 'name': 'Sunscreen'}),
     'Ana renamed Sunscrn to Sunscreen and packed it'),
    (update('Tent', {'traveler_id': None, 'bag_id': None, 'quantity': 1},
            {'traveler_id': 't', 'bag_id': 'b', 'quantity': 2}, {'bag': 'Blue', 'traveler': 'Ben'}),
     'Ana set Tent to 2, moved it to the Blue bag and assigned it to Ben'),
    (update('Socks', {'quantity': 1, 'packed': False, 'position': 1.0}, {'quantity': 2, 'packed': True,
                                                                         'position': 9.0}),
     'Ana set Socks to 2 and packed it'),  # where it sits in the list is a detail next to a real change
    (update('Map', {'category_id': 'c', 'bag_id': 'b', 'traveler_id': 't'},
            {'category_id': None, 'bag_id': None, 'traveler_id': None}),
     'Ana moved Map to Uncategorised, took it out of its bag and unassigned it'),
    (update('Boots', {'weight_grams': None, 'notes': ''}, {'weight_grams': 900, 'notes': 'Waterproof'}),
     'Ana set the weight of Boots to 900 g and edited its notes'),
    (update('Boots', {'weight_grams': 900, 'packed': True}, {'weight_grams': None, 'packed': False}),
     'Ana unpacked Boots and cleared its weight'),
    # a field the burst put back is not told
    (update('Sunscreen', {'packed': False, 'quantity': 1}, {'packed': False, 'quantity': 3}),
     'Ana set the quantity of Sunscreen to 3'),
    (update('Hat', {'packed': True, 'name': 'Hat'}, {'packed': False, 'name': 'Hat'}), 'Ana unpacked Hat'),
    (update('Hat', {'position': 1.0}, {'position': 2.0}), 'Ana reordered Hat'),
    # a name whose category went missing from the context still makes a sentence
    (update('Hat', {'category_id': None, 'quantity': 1}, {'category_id': 'c', 'quantity': 2}),
     'Ana set Hat to 2 and moved it to another category'),
    (update('Trip', {'name': 'Old', 'destination': None}, {'name': 'Lisbon', 'destination': 'Portugal'},
            op='list.update'), 'Ana renamed the list to Lisbon and set the destination to Portugal'),
    (update('Trip', {'destination': 'Porto'}, {'destination': None}, op='list.update'), 'Ana cleared the destination'),
    (update('Trip', {'notes': ''}, {'notes': 'Passports!'}, op='list.update'), 'Ana edited the notes'),
])
def test_a_collapsed_burst_names_what_changed(entry: Activity, sentence: str) -> None:
    assert describe(entry, 'Ana') == sentence


def test_fields_put_back_are_not_changes() -> None:
    assert changed_fields({'packed': False, 'quantity': 1}, {'packed': False, 'quantity': 3}) == ['quantity']
    assert changed_fields({'packed': False}, {'packed': False}) == []
