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


def _item_change(activity: Activity, name: str) -> str:
    before, after, context = activity.before, activity.after, activity.context
    changed = [f for f in after if before.get(f) != after[f]]
    if not changed:
        return f'edited {name}'
    if changed == ['packed'] or set(changed) == {'packed', 'position'}:
        quantity = context.get('quantity', 1)
        label = f'{quantity} × {name}' if quantity and quantity > 1 else name
        return f'packed {label}' if after['packed'] else f'unpacked {label}'
    if len(changed) > 1 and not set(changed) <= {'position'}:
        changed = [f for f in changed if f != 'position']
    if len(changed) > 1:
        return f'edited {name}'
    field = changed[0]
    value = after[field]
    if field == 'name':
        return f'renamed {before.get("name")} to {value}'
    if field == 'bag_id':
        return f'moved {name} to the {context["bag"]} bag' if value else f'took {name} out of its bag'
    if field == 'category_id':
        return f'moved {name} to {context["category"]}' if value else f'moved {name} to Uncategorised'
    if field == 'traveler_id':
        return f'assigned {name} to {context["traveler"]}' if value else f'unassigned {name}'
    if field == 'position':
        return f'reordered {name}'
    if field == 'notes':
        return f'edited the notes of {name}'
    if field == 'weight_grams':
        return f'set the weight of {name} to {value} g' if value is not None else f'cleared the weight of {name}'
    return f'set {FIELD_WORDS.get(field, field)} of {name} to {_show(value)}'


def _list_change(before: dict[str, Any], after: dict[str, Any]) -> str:
    changed = [f for f in after if before.get(f) != after[f]]
    if changed == ['name']:
        return f'renamed the list to {after["name"]}'
    if len(changed) == 1 and after[changed[0]] not in (None, ''):
        return f'set {FIELD_WORDS.get(changed[0], changed[0])} to {_show(after[changed[0]])}'
    return 'updated the trip details'


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
