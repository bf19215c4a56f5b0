"""What the item table is told about people (its `members` prop): who may be linked to a traveler, live."""
from nicegui.testing import User

from models import ListCreate, Op, new_id
from tests.support.helpers import api_sign_in, browser_sign_in, services
from tests.support.mailbox import Mailbox
from tests.support.people import account, user_id
from tests.support.sharing import join_by_link
from tests.support.waiting import eventually
from travelpack_ui.components.item_table import ItemTable


async def test_a_removed_member_stays_named_but_is_no_longer_offered_as_a_traveler(user: User,
                                                                                   mailbox: Mailbox) -> None:
    await api_sign_in(user.http_client, mailbox, 'ben@example.com')
    await browser_sign_in(user, mailbox, 'ana@example.com')
    ana, ben = account('ana@example.com'), account('ben@example.com')
    plist = await services().lists.create(ListCreate(name='Lisbon trip'), user=ana)
    await join_by_link(plist['id'], ana, ben, 'editor')
    await services().ops.apply(plist['id'], [Op(op_id=new_id(), type='item.create', fields={'name': 'Hat'})], user=ben)

    await user.open(f'/lists/{plist["id"]}')
    table = next(iter(user.find(kind=ItemTable).elements))
    members = table.props['members']
    assert members[user_id('ben@example.com')]['member'] is True
    assert members[user_id('ana@example.com')]['member'] is True

    await services().sharing.collaborators.remove(plist['id'], ben.id, user=ana)
    await eventually(lambda: table.props['members'][ben.id]['member'] is False,
                     message='the table was not told that ben left')
    assert table.props['members'][ben.id]['display_name'] == 'ben'  # his changes still carry his name
