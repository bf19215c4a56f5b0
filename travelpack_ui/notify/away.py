"""While you were away: others' changes to items you added or that are assigned to you, one entry per list.

An entry keeps, per actor, how many of your items they packed, unpacked, added, changed, removed or restored (and
the name of the last, to name a single one); later changes merge into your unread entry for the list, and its
sentence is written again from the counts: "Ben packed 5 of your items and added 2 to Lisbon trip".
"""
import copy
from collections.abc import Set
from typing import Any

from models import Notification
from travelpack_ui.lists.applier import Change
from travelpack_ui.notify.service import Entry

VERBS = {'item.create': 'added', 'item.delete': 'removed', 'item.restore': 'restored'}


def away_entries(changes: list[Change], list_name: str, *, linked: dict[str, str], members: Set[str],
                 present: set[str], skip: set[tuple[str, str]]) -> list[Entry]:
    """One entry per away person concerned by these changes (merged per list when written)."""
    details: dict[str, dict[str, Any]] = {}
    for change in changes:
        actor = change.actor['id']
        for person in _concerned(change, linked) - {actor} - present:
            if person not in members or (person, change.entity['id']) in skip:
                continue
            mine = details.setdefault(person, {'list': list_name, 'actors': {}})
            _count(mine, actor, change.actor.get('display_name') or 'Someone', verb_of(change),
                   change.entity.get('name') or 'an item')
    return [Entry(user_id=person, kind='changed_while_away', list_id=changes[0].list_id, summary=sentence(d),
                  details=d) for person, d in details.items()]


def merge_away(existing: Notification, entry: Entry) -> None:
    """Fold a new entry's counts into the unread one for the same list, and say it again."""
    actors = copy.deepcopy(existing.details.get('actors', {}))  # a new value, so the JSON column sees the change
    merged: dict[str, Any] = {'list': entry.details['list'], 'actors': actors}
    for actor, theirs in entry.details['actors'].items():
        for verb, n in theirs['counts'].items():
            for _ in range(n):
                _count(merged, actor, theirs['name'], verb, theirs['last'][verb])
    existing.details = merged
    existing.summary = sentence(merged)


def verb_of(change: Change) -> str:
    if change.op in VERBS:
        return VERBS[change.op]
    after = (change.activity or {}).get('after') or {}
    if set(after) == {'packed'}:
        return 'packed' if after['packed'] else 'unpacked'
    return 'changed'


def sentence(details: dict[str, Any]) -> str:
    """"Ben packed 5 of your items and added 2 to Lisbon trip"; several people are joined by semicolons."""
    phrases, last_verb = [], ''
    for actor in details['actors'].values():
        parts: list[str] = []
        counted = False  # only the first count says what it counts: "packed 5 of your items and added 2"
        for verb, n in actor['counts'].items():
            what = actor['last'][verb] if n == 1 else (str(n) if counted else f'{n} of your items')
            counted = counted or n > 1
            parts.append(f'{verb} {what}')
            last_verb = verb
        phrases.append(f'{actor["name"]} {_and(parts)}')
    return f'{"; ".join(phrases)} {"to" if last_verb == "added" else "in"} {details["list"]}'


def _concerned(change: Change, linked: dict[str, str]) -> set[str]:
    """Who the item belongs to: whoever added it, and the people of its traveler before and after the change."""
    before = ((change.activity or {}).get('before') or {}).get('traveler_id')
    people = {change.entity.get('created_by'), linked.get(change.entity.get('traveler_id') or ''),
              linked.get(before or '')}
    return {p for p in people if p}


def _count(details: dict[str, Any], actor: str, name: str, verb: str, item: str) -> None:
    theirs = details['actors'].setdefault(actor, {'name': name, 'counts': {}, 'last': {}})
    theirs['name'] = name
    theirs['counts'] = {**theirs['counts'], verb: theirs['counts'].get(verb, 0) + 1}
    theirs['last'] = {**theirs['last'], verb: item}


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f'{", ".join(parts[:-1])} and {parts[-1]}'
