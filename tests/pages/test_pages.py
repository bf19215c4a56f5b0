"""Pages through NiceGUI's simulated browser: sign-in by mailed link, my lists, the list page's server side."""
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User

from models import Op
from tests.support.helpers import api_sign_in, browser_sign_in, services
from tests.support.interaction import trigger
from tests.support.mailbox import Mailbox
from tests.support.people import account, user_id
from tests.support.sharing import join_by_link
from tests.support.waiting import eventually
from travelpack_ui.components import item_table
from travelpack_ui.components.item_table import ItemTable


@pytest.fixture
def sent_item_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tabs' summaries of what they were sent also name the items (production keeps only their count)."""
    summary = item_table._summary

    def with_names(snapshot: dict[str, Any]) -> dict[str, Any]:
        return {**summary(snapshot), 'item_names': tuple(item['name'] for item in snapshot.get('items', ()))}
    monkeypatch.setattr(item_table, '_summary', with_names)


async def test_signing_in_through_the_mailed_link(user: User, mailbox: Mailbox) -> None:
    await user.open('/')
    await user.should_see('Sign in to TravelPack')
    await browser_sign_in(user, mailbox, 'ana@example.com')
    await user.should_see('My lists')
    await user.should_see('No packing lists yet.')


async def test_the_link_page_does_not_use_the_token_up(user: User, mailbox: Mailbox) -> None:
    await user.open('/signin')
    user.find(marker='email').type('ana@example.com')
    user.find(marker='send-link').click()
    link = await mailbox.link_for('ana@example.com')
    path = link.removeprefix('http://test')
    await user.open(path)  # a mail scanner's GET
    await user.open(path)  # and the person's own
    await user.should_see('Sign in as ana@example.com')
    user.find(marker='sign-in').click()
    await user.should_see('My lists', retries=50)


async def test_a_used_link_says_so(user: User, mailbox: Mailbox) -> None:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    await user.should_see('My lists')
    link = await mailbox.link_for('ana@example.com')
    await user.open(link.removeprefix('http://test'))
    await user.should_see('This sign-in link has expired or was already used.')


async def test_sign_out(user: User, mailbox: Mailbox) -> None:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    await user.should_see('My lists')
    await user.open('/signout')
    await user.should_see('Sign in to TravelPack')
    await user.open('/')
    await user.should_see('Sign in to TravelPack')


async def test_create_a_list_from_my_lists(user: User, mailbox: Mailbox) -> None:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    await user.should_see('My lists')
    user.find(marker='new-list').click()
    user.find(marker='list-name').type('Lisbon')
    user.find(marker='save-list').click()
    await user.should_see(marker='list-title', retries=50)
    table = user.find(kind=ItemTable).elements.pop()
    snapshot = table.sent_snapshots[0]
    assert snapshot['name'] == 'Lisbon' and snapshot['items'] == 0


async def test_an_open_tab_holds_none_of_its_lists_rows(user: User, mailbox: Mailbox) -> None:
    """The rows go to the browser once, in the page; then the tab's element keeps nothing per item (what an open
    tab costs the server, bench/page_load.py)."""
    await browser_sign_in(user, mailbox, 'ana@example.com')
    ana = account('ana@example.com')
    from models import ListCreate
    plist = await services().lists.create(ListCreate(name='Lisbon'), user=ana)
    items = [Op(op_id=f'i{n}', type='item.create', fields={'name': f'Item {n}'}) for n in range(20)]
    await services().ops.apply(plist['id'], items, user=ana)
    await user.open(f'/lists/{plist["id"]}')
    table = user.find(kind=ItemTable).elements.pop()
    await eventually(lambda: 'items' not in table.props['list'], message='the rows stayed in the element')
    version = services().lists.snapshot(plist['id'])['version']
    assert table.props['list'] == {'id': plist['id'], 'version': version}
    assert table.sent_snapshots == [{'id': plist['id'], 'name': 'Lisbon', 'version': version, 'items': 20}]


async def test_list_page_of_a_stranger_is_not_found(user: User, mailbox: Mailbox, create_user) -> None:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    await user.should_see('My lists')
    ana = account('ana@example.com')
    from models import ListCreate
    plist = await services().lists.create(ListCreate(name='Secret'), user=ana)
    eve = create_user()
    await browser_sign_in(eve, mailbox, 'eve@example.com')
    await eve.should_see('My lists')
    await eve.open(f'/lists/{plist["id"]}')
    await eve.should_see('This list does not exist, or it was not shared with you.')
    await eve.should_not_see('Secret')


async def test_a_tab_sends_ops_and_every_tab_is_told(user: User, mailbox: Mailbox, create_user) -> None:
    """Two tabs of one list: an op from the first is applied and the room pushes it once for all tabs."""
    await browser_sign_in(user, mailbox, 'ana@example.com')
    await user.should_see('My lists')
    ana = account('ana@example.com')
    from models import ListCreate
    plist = await services().lists.create(ListCreate(name='Lisbon'), user=ana)
    await user.open(f'/lists/{plist["id"]}')
    room = services().rooms.get(plist['id'])
    assert room is not None
    pushed: list[dict] = []
    room.pushed.subscribe(pushed.append)
    table = user.find(kind=ItemTable).elements.pop()
    op = {'op_id': 'tab-1', 'type': 'item.create', 'fields': {'name': 'Sunscreen'}}
    await trigger(user, table, 'op', {'ops': [op]})
    snapshot = services().lists.snapshot(plist['id'])
    assert [i['name'] for i in snapshot['items']] == ['Sunscreen']
    await eventually(lambda: pushed)
    assert pushed[0]['changes'][0]['op'] == 'item.create' and pushed[0]['changes'][0]['op_id'] == 'tab-1'
    assert room.entities['items'][snapshot['items'][0]['id']]['name'] == 'Sunscreen'


async def test_a_forged_event_from_a_viewer_changes_nothing(user: User, mailbox: Mailbox) -> None:
    await browser_sign_in(user, mailbox, 'vic@example.com')
    await user.should_see('My lists')
    await api_sign_in(user.http_client, mailbox, 'own@example.com')
    owner = account('own@example.com')
    from models import ListCreate
    plist = await services().lists.create(ListCreate(name='Family'), user=owner)
    await join_by_link(plist['id'], owner, account('vic@example.com'), 'viewer')
    await user.open(f'/lists/{plist["id"]}')
    table = user.find(kind=ItemTable).elements.pop()
    assert table.props['canEdit'] is False
    forged = {'op_id': 'forged', 'type': 'item.create', 'fields': {'name': 'Malware'}}
    await trigger(user, table, 'op', {'ops': [forged]})
    assert services().lists.snapshot(plist['id'])['items'] == []
    version_before = services().lists.snapshot(plist['id'])['version']
    rename = Op(op_id='forged-2', type='list.update', fields={'name': 'Hacked'})
    tab_results = await services().ops.apply(plist['id'], [rename], user=owner)
    assert tab_results.results[0].status == 'applied'  # the owner may; the viewer above may not
    assert services().lists.snapshot(plist['id'])['version'] == version_before + 1


@pytest.mark.usefixtures('sent_item_names')
async def test_a_tab_that_missed_changes_is_sent_the_whole_list(user: User, mailbox: Mailbox) -> None:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    ana = account('ana@example.com')
    from models import ListCreate
    plist = await services().lists.create(ListCreate(name='Lisbon'), user=ana)
    await user.open(f'/lists/{plist["id"]}')
    table = user.find(kind=ItemTable).elements.pop()
    built_version = table.sent_snapshots[-1]['version']
    await trigger(user, table, 'check', {'version': built_version})
    assert len(table.sent_snapshots) == 1  # up to date: nothing is resent
    await services().ops.apply(plist['id'], [Op(op_id='api', type='item.create', fields={'name': 'Hat'})], user=ana)
    await trigger(user, table, 'check', {'version': built_version})
    latest = table.sent_snapshots[-1]
    assert latest['version'] > built_version and latest['item_names'] == ('Hat',)
    await trigger(user, table, 'resync', {'version': built_version})
    assert table.sent_snapshots[-1]['version'] == latest['version']


async def test_export_csv_and_printable_view_show_text_not_html(user: User, mailbox: Mailbox) -> None:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    ana = account('ana@example.com')
    from models import ListCreate
    plist = await services().lists.create(ListCreate(name='Lisbon'), user=ana)
    ops = [Op(op_id='c', type='category.create', id='00000000-0000-4000-8000-000000000001',
              fields={'name': 'Essentials'}),
           Op(op_id='i', type='item.create', fields={'name': '<b>Sunscreen</b>', 'quantity': 2,
                                                      'category_id': '00000000-0000-4000-8000-000000000001'}),
           Op(op_id='f', type='item.create', fields={'name': '=HYPERLINK("x")'})]
    await services().ops.apply(plist['id'], ops, user=ana)
    csv_response = await user.http_client.get(f'/lists/{plist["id"]}/export.csv')
    assert csv_response.status_code == 200 and csv_response.headers['content-type'].startswith('text/csv')
    lines = csv_response.text.splitlines()
    assert lines[0] == 'category,name,quantity,packed,bag,traveler,weight_grams,notes'
    assert lines[1] == 'Essentials,<b>Sunscreen</b>,2,no,,,,'
    assert lines[2].startswith('",\'=HYPERLINK') or lines[2].startswith(',"\'=HYPERLINK')  # no formula runs
    await user.open(f'/lists/{plist["id"]}/print')
    html = next(iter(user.find(kind=ui.html).elements)).content
    assert '&lt;b&gt;Sunscreen&lt;/b&gt;' in html and '<b>Sunscreen</b>' not in html
    stranger = await user.http_client.get('/lists/00000000-0000-4000-8000-00000000dead/export.csv')
    assert stranger.status_code == 404


@pytest.mark.usefixtures('sent_item_names')
async def test_a_resync_rechecks_access_before_sending_the_list(user: User, mailbox: Mailbox) -> None:
    """Even if no event told the tab (membership removed straight in the database), a re-sync re-reads the role."""
    await browser_sign_in(user, mailbox, 'vic@example.com')
    await api_sign_in(user.http_client, mailbox, 'own@example.com')
    owner = account('own@example.com')
    from sqlmodel import col, delete

    from models import ListCreate, ListMember
    plist = await services().lists.create(ListCreate(name='Family'), user=owner)
    await join_by_link(plist['id'], owner, account('vic@example.com'), 'editor')
    await user.open(f'/lists/{plist["id"]}')
    table = user.find(kind=ItemTable).elements.pop()
    with services().db.write() as session:
        session.exec(delete(ListMember).where(col(ListMember.user_id) == user_id('vic@example.com')))
    await services().ops.apply(plist['id'], [Op(op_id='x', type='item.create', fields={'name': 'Secret'})], user=owner)
    await trigger(user, table, 'resync', {'version': 0})
    assert all('Secret' not in sent['item_names'] for sent in table.sent_snapshots)
    await user.should_see('You no longer have access to this list.')
