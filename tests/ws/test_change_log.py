"""Rooms take changes in list-version order from two roads (this process's op path, and the change log that
PostgreSQL points them to), never twice, never with a hole; what they cannot read they re-read whole."""
import asyncio
import json
from typing import Any

from sqlalchemy import text

from models import Op, User, new_id
from tests.support.helpers import account_of, create_list, services
from tests.support.waiting import eventually
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.applier import Change
from travelpack_ui.lists.ops import OpService
from travelpack_ui.live.bridge import PAYLOAD_MAX, _split
from travelpack_ui.live.rooms import Room
from travelpack_ui.services import Services

ACTOR = {'id': 'u1', 'display_name': 'Ana', 'initials': 'AN', 'color': '#000'}


def change(version: int, name: str) -> Change:
    return Change('l1', version, 'item.create', {'id': f'i{version}', 'name': name, 'position': version}, ACTOR)


def empty_room() -> Room:
    snapshot = {'id': 'l1', 'version': 0, 'categories': [], 'bags': [], 'travelers': [], 'items': []}
    return Room('l1', snapshot, burst_window=0.05, presence_interval=0.05)


async def test_a_room_applies_versions_in_order_skips_repeats_and_stops_at_a_hole() -> None:
    room = empty_room()
    pushed: list[int] = []
    room.pushed.subscribe(lambda message: pushed.extend(c['version'] for c in message['changes']))
    assert room.publish([change(1, 'a'), change(2, 'b')])
    assert not room.publish([change(4, 'd')])  # 3 is missing: 4 waits for whoever reads the log
    assert room.version == 2 and 'i4' not in room.entities['items']
    assert room.publish([change(2, 'b'), change(3, 'c'), change(4, 'd')])  # 2 came by the other road already
    await eventually(lambda: pushed == [1, 2, 3, 4])
    await asyncio.sleep(0.1)
    assert pushed == [1, 2, 3, 4]
    room.close()


async def watched_room(client, ana) -> tuple[Services, Room, list[int], User]:
    """A list with its room open, the versions its pushes carry (in order), and its owner."""
    plist = await create_list(client, ana)
    app = services()
    room = await app.rooms.open(plist['id'])
    pushed: list[int] = []
    room.pushed.subscribe(lambda message: pushed.extend(c['version'] for c in message['changes']))
    return app, room, pushed, account_of(ana)


def create(name: str) -> Op:
    return Op(op_id=new_id(), type='item.create', id=new_id(), fields={'name': name})


async def write_elsewhere(app: Services, room: Room, user: User, count: int) -> None:
    """Items created by another writer (as another process is), never published to this process's rooms."""
    elsewhere = OpService(app.db, Writer(app.db))
    await elsewhere.apply(room.list_id, [create(f'Item {n}') for n in range(count)], user=user)
    elsewhere.writer.close()


async def test_changes_written_elsewhere_are_read_from_the_log_once(client, ana) -> None:
    """Another writer commits changes this process never published: the room reads them from the change log, in
    order, when told (on PostgreSQL the trigger tells it by itself)."""
    app, room, pushed, user = await watched_room(client, ana)
    start = room.version
    await write_elsewhere(app, room, user, 3)
    await app.ops.apply(room.list_id, [create('Here')], user=user)  # a hole before this one
    app.rooms.catch_up(room.list_id)
    await eventually(lambda: room.version == start + 4)
    await asyncio.sleep(0.3)
    assert pushed == list(range(start + 1, start + 5))
    assert sorted(i['name'] for i in room.entities['items'].values()) == ['Here', 'Item 0', 'Item 1', 'Item 2']


async def test_a_change_published_here_while_the_log_is_read_is_delivered_once_in_order(client, ana,
                                                                                         monkeypatch) -> None:
    """The log is read while the event loop goes on; this process's own change, published while that read is under
    way, lands after a hole, waits for it, and every version reaches the room once, in order."""
    app, room, pushed, user = await watched_room(client, ana)
    reading, release = asyncio.Event(), asyncio.Event()
    read = app.rooms.read_changes

    async def held_read(*args: Any) -> Any:  # a read waits until this process has published
        reading.set()
        await release.wait()
        return await read(*args)
    monkeypatch.setattr(app.rooms, 'read_changes', held_read)
    start = room.version
    await write_elsewhere(app, room, user, 2)
    app.rooms.catch_up(room.list_id, start + 2)  # on PostgreSQL the trigger's NOTIFY may have done so already
    await asyncio.wait_for(reading.wait(), 5)
    await app.ops.apply(room.list_id, [create('Here')], user=user)
    assert room.version == start  # after a hole: held back, not shown
    release.set()
    await eventually(lambda: room.version == start + 3)
    await asyncio.sleep(0.3)
    assert pushed == [start + 1, start + 2, start + 3]
    assert sorted(i['name'] for i in room.entities['items'].values()) == ['Here', 'Item 0', 'Item 1']


async def test_a_version_not_in_the_log_makes_the_room_re_read_the_list(client, ana, database_url: str) -> None:
    """An operator's SQL bumps the version without logging a change: the room re-reads the whole list and its
    tabs and sockets start again from it (on PostgreSQL the trigger announces the new version by itself)."""
    plist = await create_list(client, ana)
    app = services()
    room = await app.rooms.open(plist['id'])
    reloaded = asyncio.Event()
    room.reloaded.subscribe(reloaded.set)
    with app.db.writer.begin() as connection:
        connection.execute(text("UPDATE packing_list SET name = 'Porto', version = version + 1 WHERE id = :id"),
                           {'id': plist['id']})
    if database_url.startswith('sqlite'):
        app.rooms.catch_up(plist['id'])  # one process: nobody else writes, nothing announces
    await asyncio.wait_for(reloaded.wait(), 5)
    assert room.state['name'] == 'Porto' and room.version == plist['version'] + 1


def test_announcements_are_split_under_the_payload_limit() -> None:
    users: list[dict[str, Any]] = [{'id': new_id(), 'display_name': 'x' * 60, 'item_id': new_id()}
                                   for _ in range(300)]
    parts = _split(users, PAYLOAD_MAX)
    assert len(parts) > 1 and [u for part in parts for u in part] == users
    assert all(len(json.dumps(part, separators=(',', ':')).encode()) < PAYLOAD_MAX for part in parts)
    assert _split([], PAYLOAD_MAX) == []


async def test_presence_heard_from_another_process_joins_and_expires() -> None:
    ttl = 0.05
    room = empty_room()
    seen: list[list[str]] = []
    room.presence_pushed.subscribe(lambda users: seen.append(sorted(u['id'] for u in users)))
    room.presence.arrive('tab-1', ACTOR)
    room.presence.hear('other/0', [{**ACTOR, 'id': 'u2', 'item_id': 'i1'}, {**ACTOR, 'item_id': None}], ttl=ttl)
    await eventually(lambda: seen and seen[-1] == ['u1', 'u2'])
    assert room.announced == [{**ACTOR, 'item_id': None}]  # only this process's own visitors are announced
    await asyncio.sleep(ttl * 2)
    room.presence.expire()
    await eventually(lambda: seen[-1] == ['u1'])
    room.close()


async def test_avatars_hear_only_when_who_is_here_changes_not_when_focus_moves() -> None:
    room = empty_room()
    people: list[list[str]] = []
    pushes: list[int] = []
    room.people_changed.subscribe(lambda users: people.append([u['id'] for u in users]))
    room.presence_pushed.subscribe(lambda users: pushes.append(len(users)))
    room.presence.arrive('tab-1', ACTOR)
    await eventually(lambda: people == [['u1']])
    for item in ('i1', 'i2', 'i3'):
        room.presence.focus('tab-1', 'u1', item)
        await asyncio.sleep(0.06)  # past the presence interval: each move is pushed
    await eventually(lambda: len(pushes) >= 3)
    assert people == [['u1']]
    room.presence.arrive('tab-2', {**ACTOR, 'id': 'u2'})
    await eventually(lambda: people[-1] == ['u1', 'u2'] or people[-1] == ['u2', 'u1'])
    room.close()
