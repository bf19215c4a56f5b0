"""Two people on one list, through simulated browsers: presence, the live activity feed, revert."""
from nicegui import ui
from nicegui.testing import User

from models import ListCreate
from tests.support.helpers import browser_sign_in, services
from tests.support.interaction import click, trigger
from tests.support.mailbox import Mailbox
from tests.support.people import account, user_id
from tests.support.sharing import join_by_link
from tests.support.waiting import eventually
from travelpack_ui.components.item_table import ItemTable


async def two_people_on_one_list(user: User, create_user, mailbox: Mailbox) -> tuple[User, User, str]:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    ben = create_user()
    await browser_sign_in(ben, mailbox, 'ben@example.com')
    ana_row = account('ana@example.com')
    plist = await services().lists.create(ListCreate(name='Lisbon'), user=ana_row)
    await join_by_link(plist['id'], ana_row, account('ben@example.com'), 'editor')
    await user.open(f'/lists/{plist["id"]}')
    await ben.open(f'/lists/{plist["id"]}')
    return user, ben, plist['id']


async def test_each_sees_the_other_here(user: User, create_user, mailbox: Mailbox) -> None:
    ana, ben, list_id = await two_people_on_one_list(user, create_user, mailbox)
    room = services().rooms.get(list_id)
    assert room is not None
    await eventually(lambda: {u['display_name'] for u in room.presence.users()} == {'ana', 'ben'})
    for person in (ana, ben):
        await person.should_see(marker=f'avatar-{user_id("ana@example.com")}', retries=30)
        await person.should_see(marker=f'avatar-{user_id("ben@example.com")}', retries=30)


async def test_focus_is_shared_and_cleared(user: User, create_user, mailbox: Mailbox) -> None:
    ana, _ben, list_id = await two_people_on_one_list(user, create_user, mailbox)
    room = services().rooms.get(list_id)
    assert room is not None
    table = ana.find(kind=ItemTable).elements.pop()
    await trigger(ana, table, 'op', {'ops': [{'op_id': 'c', 'type': 'item.create', 'fields': {'name': 'Tent'}}]})
    item_id = next(iter(room.entities['items']))
    await trigger(ana, table, 'focus', {'item_id': item_id})
    await eventually(lambda: any(u['item_id'] == item_id and u['display_name'] == 'ana' for u in room.presence.users()))
    await trigger(ana, table, 'focus', {'item_id': None})
    await eventually(lambda: all(u['item_id'] is None for u in room.presence.users()))
    await trigger(ana, table, 'focus', {'item_id': 'not-in-this-list'})
    assert all(u['item_id'] is None for u in room.presence.users())


async def test_the_activity_feed_follows_changes_live_and_reverts(user: User, create_user,
                                                                   mailbox: Mailbox) -> None:
    ana, ben, list_id = await two_people_on_one_list(user, create_user, mailbox)
    with ana:
        toggle = ana.find(marker='activity-toggle').elements.pop()
        assert isinstance(toggle, ui.expansion)
        toggle.open()
    await ana.should_see('ana created the list Lisbon', retries=30)
    table = ben.find(kind=ItemTable).elements.pop()
    await trigger(ben, table, 'op', {'ops': [{'op_id': 'c', 'type': 'item.create', 'fields': {'name': 'Tent'}}]})
    await ana.should_see('ben added Tent', retries=50)
    tent_revert = next(b for b in ana.find(marker='revert').elements if 'ben added Tent' in _row_text(b))
    await click(ana, tent_revert)
    await eventually(lambda: services().lists.snapshot(list_id)['items'] == [])
    await ana.should_see('ana removed Tent', retries=50)


def _row_text(button: ui.element) -> str:
    assert button.parent_slot is not None
    row = button.parent_slot.parent
    return ' '.join(str(getattr(e, 'text', '')) for e in row.descendants())



async def test_an_open_feed_drops_the_line_of_a_burst_that_undid_itself(user: User, create_user,
                                                                        mailbox: Mailbox) -> None:
    ana, ben, list_id = await two_people_on_one_list(user, create_user, mailbox)
    with ana:
        toggle = ana.find(marker='activity-toggle').elements.pop()
        assert isinstance(toggle, ui.expansion)
        toggle.open()
    table = ben.find(kind=ItemTable).elements.pop()
    await trigger(ben, table, 'op', {'ops': [{'op_id': 'c', 'type': 'item.create', 'fields': {'name': 'Tent'}}]})
    await ana.should_see('ben added Tent', retries=50)
    tent = next(iter(services().lists.snapshot(list_id)['items']))['id']
    await trigger(ben, table, 'op', {'ops': [{'op_id': 'p', 'type': 'item.update', 'id': tent,
                                              'fields': {'packed': True}}]})
    await ana.should_see('ben packed Tent', retries=50)
    await trigger(ben, table, 'op', {'ops': [{'op_id': 'u', 'type': 'item.update', 'id': tent,
                                              'fields': {'packed': False}}]})  # Ctrl+Z
    await ana.should_not_see('ben packed Tent', retries=50)
    await ana.should_not_see('ben edited Tent')
    await ana.should_see('ben added Tent')
