"""Departure reminders go out once; the unsubscribe link in a mail (a confirmation page, then RFC 8058's one-click
POST) turns that kind of mail off without signing in; people choose what they get in the API."""
from datetime import timedelta

from models import utcnow
from tests.support.helpers import create_list, services
from tests.support.mailbox import Mailbox
from tests.support.people import user_id
from tests.support.sharing import join
from tests.support.waiting import eventually

ONE_CLICK = {'Content-Type': 'application/x-www-form-urlencoded'}


def reminders_to(mailbox: Mailbox, address: str) -> list:
    return [m for m in mailbox.to(address) if 'still unpacked' in str(m['Subject'])]


def unsubscribe_path(mail) -> str:
    return mail['List-Unsubscribe'].strip('<>').removeprefix('http://test')


async def test_a_departure_reminder_goes_out_once(client, mailbox: Mailbox, ana, ben) -> None:
    heard: list[tuple[str, str, str]] = []

    def remember(user_id: str, list_id: str, summary: str) -> None:
        heard.append((user_id, list_id, summary))
    services().notify.reminders.reminded.subscribe(remember)
    start = (utcnow().date() + timedelta(days=2)).isoformat()  # the scheduler's clock is UTC
    plist = await create_list(client, ana, 'Lisbon')
    base = f'/api/packing-lists/{plist["id"]}'
    await join(client, ana, plist['id'], ben, 'editor')
    traveler = (await client.post(f'{base}/travelers', json={'name': 'Carl'}, headers=ana)).json()
    for name in ('Passport', 'Charger'):
        await client.post(f'{base}/items', json={'name': name}, headers=ana)
    await client.post(f'{base}/items', json={'name': 'Tent', 'packed': True}, headers=ana)
    await client.post(f'{base}/items', json={'name': 'Carl’s hat', 'traveler_id': traveler['id']}, headers=ana)
    assert (await client.patch(base, json={'start_date': start}, headers=ana)).status_code == 200  # now it is near

    mail = await eventually(lambda: reminders_to(mailbox, 'ana@example.com'))
    assert mail[0]['Subject'] == '2 days to Lisbon: 2 items still unpacked'
    assert f'http://test/lists/{plist["id"]}' in mail[0].get_body(preferencelist=('plain',)).get_content()
    assert mail[0]['List-Unsubscribe-Post'] == 'List-Unsubscribe=One-Click'
    await eventually(lambda: reminders_to(mailbox, 'ben@example.com'))
    await services().notify.run_once()
    await services().notify.run_once()
    assert len(reminders_to(mailbox, 'ana@example.com')) == 1 and len(reminders_to(mailbox, 'ben@example.com')) == 1
    assert sorted(h[0] for h in heard) == sorted([user_id('ana@example.com'), user_id('ben@example.com')])
    assert heard[0][1] == plist['id'] and heard[0][2] == '2 days to Lisbon: 2 items still unpacked'

    off = await client.post(unsubscribe_path(mail[0]), content='List-Unsubscribe=One-Click', headers=ONE_CLICK)
    assert off.status_code == 200  # a reminder's link turns reminders off, and only them
    assert (await client.get('/api/user/notification-settings', headers=ana)).json() == \
        {'digests': True, 'reminders': False, 'muted_lists': []}


async def test_the_unsubscribe_link_stops_the_next_digest(client, mailbox: Mailbox, ana, ben) -> None:
    plist = await create_list(client, ana, 'Lisbon')
    await join(client, ana, plist['id'], ben, 'editor')
    await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Sunscreen'}, headers=ben)
    digest = await mailbox.wait_for('ana@example.com', count=2)
    path = unsubscribe_path(digest)

    page = await client.get(path)
    assert page.status_code == 200 and 'Stop digest mails' in page.text and 'method="post"' in page.text
    assert (await client.get('/api/user/notification-settings', headers=ana)).json()['digests'] is True  # GET: no

    tampered = await client.post(path[:-3] + 'xyz', content='List-Unsubscribe=One-Click', headers=ONE_CLICK)
    assert tampered.status_code == 400 and (await client.get(path[:-3] + 'xyz')).status_code == 400
    assert (await client.get('/api/user/notification-settings', headers=ana)).json()['digests'] is True

    done = await client.post(path, content='List-Unsubscribe=One-Click', headers=ONE_CLICK)  # no sign-in
    assert done.status_code == 200 and 'No more digest mails' in done.text
    assert (await client.get('/api/user/notification-settings', headers=ana)).json() == \
        {'digests': False, 'reminders': True, 'muted_lists': []}

    services().settings.digest_min_interval_s = 0
    await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Towel'}, headers=ben)
    carl_list = await create_list(client, ben, 'Rome')  # a later digest to someone else proves passes ran
    await join(client, ben, carl_list['id'], ana, 'editor')
    await client.post(f'/api/packing-lists/{carl_list["id"]}/items', json={'name': 'Hat'}, headers=ana)
    await mailbox.wait_for('ben@example.com', count=2)
    assert len(mailbox.to('ana@example.com')) == 2  # her sign-in link and the one digest


async def test_notification_settings_in_the_api(client, ana, ben, stranger) -> None:
    url = '/api/user/notification-settings'
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=ana)).json() == {'digests': True, 'reminders': True, 'muted_lists': []}
    plist = await create_list(client, ana, 'Lisbon')
    others = await create_list(client, ben, 'Rome')

    saved = await client.put(url, json={'digests': True, 'reminders': False, 'muted_lists': [plist['id']]},
                             headers=ana)
    assert saved.status_code == 200
    assert saved.json() == {'digests': True, 'reminders': False, 'muted_lists': [plist['id']]}
    assert (await client.get(url, headers=ana)).json() == saved.json()
    assert (await client.get(url, headers=ben)).json()['muted_lists'] == []

    refused = await client.put(url, json={'digests': True, 'reminders': True, 'muted_lists': [others['id']]},
                               headers=ana)
    assert refused.status_code == 422 and refused.json()['code'] == 'invalid'
    odd = await client.put(url, json={'digests': 'sometimes', 'muted_lists': 3}, headers=ana)
    assert odd.status_code == 422 and set(odd.json()) == {'detail', 'code'}
    assert (await client.get(url, headers=ana)).json() == saved.json()


async def test_a_muted_list_sends_no_digest(client, mailbox: Mailbox, ana, ben) -> None:
    muted = await create_list(client, ana, 'Lisbon')
    other = await create_list(client, ana, 'Rome')
    for plist in (muted, other):
        await join(client, ana, plist['id'], ben, 'editor')
    await client.put('/api/user/notification-settings',
                     json={'digests': True, 'reminders': True, 'muted_lists': [muted['id']]}, headers=ana)
    for plist in (muted, other):
        await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Hat'}, headers=ben)
    digest = await mailbox.wait_for('ana@example.com', count=2)
    assert 'Rome' in digest['Subject']
    await services().notify.run_once()
    assert len(mailbox.to('ana@example.com')) == 2
