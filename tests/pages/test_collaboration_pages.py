"""Two people on one list, through simulated browsers: presence, the live activity feed, revert."""
import asyncio

from nicegui import ui
from nicegui.events import ClickEventArguments
from nicegui.testing import User

from models import ListCreate, ListMember
from tests.pages.test_pages import _user_id, table_event
from tests.support.helpers import browser_sign_in, services
from tests.support.mailbox import Mailbox
from travelpack_ui.components.item_table import ItemTable


async def two_people_on_one_list(user: User, create_user, mailbox: Mailbox) -> tuple[User, User, str]:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    ben = create_user()
    await browser_sign_in(ben, mailbox, 'ben@example.com')
    ana_row = services().auth.user(_user_id('ana@example.com'))
    plist = await services().lists.create(ListCreate(name='Lisbon'), user=ana_row)
    with services().db.write() as session:
        session.add(ListMember(list_id=plist['id'], user_id=_user_id('ben@example.com'), role='editor'))
    await user.open(f'/lists/{plist["id"]}')
    await ben.open(f'/lists/{plist["id"]}')
    return user, ben, plist['id']


async def until(condition, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError('condition not met in time')


async def test_each_sees_the_other_here(user: User, create_user, mailbox: Mailbox) -> None:
    ana, ben, list_id = await two_people_on_one_list(user, create_user, mailbox)
    room = services().rooms.get(list_id)
    assert room is not None
    await until(lambda: {u['display_name'] for u in room.presence.users()} == {'ana', 'ben'})
    for person in (ana, ben):
        await person.should_see(marker=f'avatar-{_user_id("ana@example.com")}', retries=30)
        await person.should_see(marker=f'avatar-{_user_id("ben@example.com")}', retries=30)


async def test_focus_is_shared_and_cleared(user: User, create_user, mailbox: Mailbox) -> None:
    ana, _ben, list_id = await two_people_on_one_list(user, create_user, mailbox)
    room = services().rooms.get(list_id)
    table = ana.find(kind=ItemTable).elements.pop()
    await table_event(ana, table, 'op', {'ops': [{'op_id': 'c', 'type': 'item.create', 'fields': {'name': 'Tent'}}]})
    item_id = next(iter(room.entities['items']))
    await table_event(ana, table, 'focus', {'item_id': item_id})
    await until(lambda: any(u['item_id'] == item_id and u['display_name'] == 'ana' for u in room.presence.users()))
    await table_event(ana, table, 'focus', {'item_id': None})
    await until(lambda: all(u['item_id'] is None for u in room.presence.users()))
    await table_event(ana, table, 'focus', {'item_id': 'not-in-this-list'})
    assert all(u['item_id'] is None for u in room.presence.users())


async def test_the_activity_feed_follows_changes_live_and_reverts(user: User, create_user,
                                                                   mailbox: Mailbox) -> None:
    ana, ben, list_id = await two_people_on_one_list(user, create_user, mailbox)
    with ana:
        ana.find(marker='activity-toggle').elements.pop().open()
    await ana.should_see('ana created the list Lisbon', retries=30)
    table = ben.find(kind=ItemTable).elements.pop()
    await table_event(ben, table, 'op', {'ops': [{'op_id': 'c', 'type': 'item.create', 'fields': {'name': 'Tent'}}]})
    await ana.should_see('ben added Tent', retries=50)
    tent_revert = next(b for b in ana.find(marker='revert').elements if 'ben added Tent' in _row_text(b))
    await click(ana, tent_revert)
    await until(lambda: services().lists.snapshot(list_id)['items'] == [])
    await ana.should_see('ana removed Tent', retries=50)


def _row_text(button: ui.button) -> str:
    row = button.parent_slot.parent
    return ' '.join(str(getattr(e, 'text', '')) for e in row.descendants())


async def click(user: User, button: ui.button) -> None:
    """Click one particular button (the simulated user's click acts on every match of a query)."""
    for listener in button._event_listeners.values():
        if listener.type == 'click':
            result = listener.handler(ClickEventArguments(sender=button, client=user.client))
            if asyncio.iscoroutine(result):
                await result
