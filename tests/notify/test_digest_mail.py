"""Digests by real mail: one per list to a member who is away, after the list went quiet, made of the feed's
sentences; nothing for people looking at the list or for their own changes; never twice."""
import asyncio
from email.message import EmailMessage

from nicegui.testing import User

from tests.support.helpers import api_sign_in, browser_sign_in, create_list, services
from tests.support.mailbox import Mailbox
from tests.support.sharing import join
from travelpack_ui.core.db import Database
from travelpack_ui.core.writer import Writer
from travelpack_ui.notify.scheduler import Notify


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=('plain',))
    assert body is not None
    return body.get_content()


def html_of(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=('html',))
    assert body is not None
    return body.get_content()


def digests_to(mailbox: Mailbox, address: str) -> list[EmailMessage]:
    return [m for m in mailbox.to(address) if 'List-Unsubscribe' in m]


async def add(client, headers: dict[str, str], list_id: str, name: str) -> dict:
    response = await client.post(f'/api/packing-lists/{list_id}/items', json={'name': name}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_away_member_gets_one_digest_once_the_list_is_quiet(client, mailbox: Mailbox, ana, ben) -> None:
    plist = await create_list(client, ana, 'Lisbon <trip>')
    await join(client, ana, plist['id'], ben, 'editor')
    await add(client, ben, plist['id'], 'Sunscreen')
    towel = await add(client, ben, plist['id'], 'Towel & <b>hat</b>')
    await client.patch(f'/api/packing-lists/{plist["id"]}/items/{towel["id"]}', json={'packed': True}, headers=ben)

    mail = await mailbox.wait_for('ana@example.com', count=2)  # the first was her sign-in link
    assert 'Lisbon <trip>' in mail['Subject'] and '3 changes' in mail['Subject']
    text = text_of(mail)
    assert 'ben added Sunscreen' in text and 'ben added Towel & <b>hat</b>' in text and 'ben packed' in text
    assert f'http://test/lists/{plist["id"]}' in text
    html = html_of(mail)
    assert 'Towel &amp; &lt;b&gt;hat&lt;/b&gt;' in html and '<b>hat' not in html and '<img' not in html
    unsubscribe = mail['List-Unsubscribe']
    assert unsubscribe.startswith('<http://test/unsubscribe/') and unsubscribe.endswith('>')
    assert mail['List-Unsubscribe-Post'] == 'List-Unsubscribe=One-Click'

    await services().notify.run_once()  # a later pass, and a scheduler made anew on the same database
    await Notify(services().settings, services().db, services().writer, services().mailer, services().rooms).run_once()
    assert len(digests_to(mailbox, 'ana@example.com')) == 1
    assert digests_to(mailbox, 'ben@example.com') == []  # his own changes


async def test_the_digest_is_capped_and_the_min_interval_holds(client, mailbox: Mailbox, ana, ben) -> None:
    plist = await create_list(client, ana, 'Lisbon')
    await join(client, ana, plist['id'], ben, 'editor')
    for n in range(25):
        await add(client, ben, plist['id'], f'Thing {n}')
    mail = await mailbox.wait_for('ana@example.com', count=2)
    text = text_of(mail)
    assert 'ben added Thing 0' in text and 'ben added Thing 19' in text and 'Thing 20' not in text
    assert 'and 5 more.' in text

    await add(client, ben, plist['id'], 'Later thing')
    await services().notify.run_once()
    services().settings.digest_delay_s = 0  # quiet at once: only the hour between digests holds it back now
    await services().notify.run_once()
    assert len(digests_to(mailbox, 'ana@example.com')) == 1

    services().settings.digest_min_interval_s = 0
    second = await mailbox.wait_for('ana@example.com', count=3)
    assert 'Later thing' in text_of(second) and 'Thing 0' not in text_of(second)  # only what is new to her


async def test_no_digest_for_a_member_who_has_the_list_open(user: User, client, mailbox: Mailbox, ana, ben) -> None:
    plist = await create_list(client, ana, 'Lisbon')
    carl = await api_sign_in(client, mailbox, 'carl@example.com')
    await join(client, ana, plist['id'], ben, 'editor')
    await join(client, ana, plist['id'], carl, 'viewer')
    await browser_sign_in(user, mailbox, 'ana@example.com', next_path=f'/lists/{plist["id"]}')
    await user.should_see('Lisbon')

    await add(client, ben, plist['id'], 'Sunscreen')
    carls = await mailbox.wait_for('carl@example.com', count=2)  # Carl is away: his digest comes
    assert 'ben added Sunscreen' in text_of(carls)
    await services().notify.run_once()
    assert digests_to(mailbox, 'ana@example.com') == []  # Ana was looking


async def test_opening_the_list_means_nothing_is_mailed_for_what_was_seen(user: User, client, mailbox: Mailbox,
                                                                          ana, ben) -> None:
    services().settings.digest_delay_s = 3600  # the list never gets quiet in time: Ana looks first
    plist = await create_list(client, ana, 'Lisbon')
    await join(client, ana, plist['id'], ben, 'editor')
    await add(client, ben, plist['id'], 'Sunscreen')
    await browser_sign_in(user, mailbox, 'ana@example.com', next_path=f'/lists/{plist["id"]}')
    await user.should_see('Lisbon')
    await services().notify.run_once()  # her tab's mark is written on connect and by every pass
    services().settings.digest_delay_s = 0
    await services().notify.run_once()
    assert digests_to(mailbox, 'ana@example.com') == []


async def test_two_schedulers_on_one_database_mail_a_digest_once(client, mailbox: Mailbox, ana, ben) -> None:
    """Two processes' schedulers (each with its own engine and writer) run the same pass at the same moment."""
    await services().notify.halt()
    app = services()
    others = []
    for _ in range(2):
        db = Database(app.settings.resolved_database_url)
        others.append((db, Writer(db)))
    plist = await create_list(client, ana, 'Lisbon')
    await join(client, ana, plist['id'], ben, 'editor')
    await add(client, ben, plist['id'], 'Sunscreen')
    app.settings.digest_delay_s = 0
    try:
        schedulers = [Notify(app.settings, db, writer, app.mailer, app.rooms) for db, writer in others]
        await asyncio.gather(*(s.run_once() for s in schedulers))
        await asyncio.gather(*(s.run_once() for s in schedulers))
    finally:
        for db, writer in others:
            writer.close()
            db.dispose()
    assert len(digests_to(mailbox, 'ana@example.com')) == 1
