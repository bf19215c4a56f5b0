"""The bell: a second person's change to your item while you are elsewhere raises your count live; opening the
entry marks it read and opens the list."""
from nicegui.testing import User

from models import ListCreate, Op, new_id
from tests.support.helpers import browser_sign_in, services
from tests.support.interaction import click
from tests.support.mailbox import Mailbox
from tests.support.people import account, user_id
from tests.support.sharing import join_by_link
from tests.support.waiting import eventually
from travelpack_ui.components.bell import notification_bell


def count_on(person: User) -> str | None:
    """What the bell's badge shows, or None while it is hidden (nothing unread)."""
    bell = next(iter(person.find(marker='bell').elements))
    assert isinstance(bell, notification_bell)
    return bell.badge.text if bell.badge.visible else None


async def apply(list_id: str, email: str, type_: str, entity_id: str | None = None, **fields) -> None:
    op = Op(op_id=new_id(), type=type_, id=entity_id, fields=fields or None)
    batch = await services().ops.apply(list_id, [op], user=account(email))
    assert batch.results[0].status == 'applied', batch.results[0]


async def test_a_change_to_my_item_while_i_am_elsewhere_rings_the_bell_live(user: User, create_user,
                                                                           mailbox: Mailbox) -> None:
    ana, ben = user, create_user()
    await browser_sign_in(ana, mailbox, 'ana@example.com')
    await browser_sign_in(ben, mailbox, 'ben@example.com')
    plist = await services().lists.create(ListCreate(name='Lisbon trip'), user=account('ana@example.com'))
    list_id = plist['id']
    await join_by_link(list_id, account('ana@example.com'), account('ben@example.com'), 'editor')
    ben_traveler, sunscreen, hat = new_id(), new_id(), new_id()
    await apply(list_id, 'ana@example.com', 'traveler.create', ben_traveler, name='Ben',
                user_id=user_id('ben@example.com'))
    await apply(list_id, 'ana@example.com', 'item.create', sunscreen, name='Sunscreen', traveler_id=ben_traveler)
    await apply(list_id, 'ana@example.com', 'item.create', hat, name='Hat')
    notifications = services().notifications
    await eventually(lambda: notifications.unread_count(user_id('ben@example.com')) == 1)  # "ana added Sunscreen"
    await notifications.mark_read(user_id('ben@example.com'), everything=True)

    # ben has the list open: changes there are no news, but an assignment still is
    list_tab = await ben.open(f'/lists/{list_id}')
    room = services().rooms.get(list_id)
    assert room is not None
    await eventually(lambda: user_id('ben@example.com') in room.presence.visitors)
    await services().ops.apply(list_id, [
        Op(op_id=new_id(), type='item.update', id=sunscreen, fields={'packed': True}),
        Op(op_id=new_id(), type='item.update', id=hat, fields={'traveler_id': ben_traveler})],
        user=account('ana@example.com'))
    await eventually(lambda: count_on(ben) == '1', message='the assignment did not ring the bell')
    kinds = [e['kind'] for e in notifications.page(user_id('ben@example.com'))['items'] if not e['read']]
    assert kinds == ['assigned']

    # ben goes to his lists and closes the list's tab; ana unpacks his sunscreen: his bell rings without a reload
    await ben.open('/')
    bells = len(notifications.updates_for(user_id('ben@example.com')).callbacks)
    list_tab.delete()
    assert len(notifications.updates_for(user_id('ben@example.com')).callbacks) == bells - 1  # its bell let go
    await eventually(lambda: user_id('ben@example.com') not in room.presence.visitors)
    assert count_on(ben) == '1'
    await apply(list_id, 'ana@example.com', 'item.update', sunscreen, packed=False)
    await eventually(lambda: count_on(ben) == '2', message='the bell did not follow the new notification live')

    click_bell = next(iter(ben.find(marker='bell').elements))
    await click(ben, click_bell)
    await ben.should_see('ana unpacked Sunscreen in Lisbon trip', retries=30)
    await ben.should_see('ana assigned Hat to you in Lisbon trip')
    newest = notifications.page(user_id('ben@example.com'))['items'][0]
    await click(ben, next(iter(ben.find(marker=f'notification-{newest["id"]}').elements)))
    await eventually(lambda: ben.back_history[-1] == f'/lists/{list_id}', message='the entry did not open the list')
    assert notifications.unread_count(user_id('ben@example.com')) == 1

    await ben.open('/')
    assert count_on(ben) == '1'
    await click(ben, next(iter(ben.find(marker='bell').elements)))
    await click(ben, next(iter(ben.find(marker='mark-all-read').elements)))
    await eventually(lambda: count_on(ben) is None, message='"Mark all read" left the count')
    assert notifications.unread_count(user_id('ben@example.com')) == 0
