"""Two `python main.py` on one PostgreSQL database with one secret, seen from Chromium.

A browser signed in through one process is signed in on the other (who is signed in lives in the signed cookie, not
in a process's files), signing out through either ends it for both, and a 429 counted by one process holds on the
other. People whose pages are on different processes see each other, each other's focus and packing; a bell on
one process rings for a notification made by the other; a member removed through one process loses the list's
content on the other. Each page that must follow a change is served by the process that did not make it, so
nothing passes unless PostgreSQL carried it across. SQLite is one process: these run on PostgreSQL only.
"""
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.support.browser import here, sign_in
from tests.support.live import LiveServer, sibling_database, two_processes
from tests.support.mailbox import Mailbox
from tests.support.ws_client import Api, http_client
from tests.support.ws_client import sign_in as api_sign_in

ACROSS_MS = 5_000  # generous for a change or presence to cross over (the target is 30 ms)
ACCESS_END_S = 2.0  # a removed member's page loses the list within a second or two


@pytest.fixture(scope='module')
def cluster(tmp_path_factory: pytest.TempPathFactory, postgres_database: str | None,
            mailbox: Mailbox) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two processes for the whole module, on a database of their own (each test's `database_url` is reset)."""
    if postgres_database is None:
        pytest.skip('several processes need PostgreSQL; SQLite is one process')
    with sibling_database(postgres_database) as url, \
            two_processes(tmp_path_factory.mktemp('cluster'), url, smtp_port=mailbox.port) as servers:
        yield servers


# --- who is signed in, and shared limits -----------------------------------------------------------------------------


async def test_a_browser_signed_in_on_one_process_is_signed_in_on_the_other(
        browser: Browser, cluster: tuple[LiveServer, LiveServer], mailbox: Mailbox) -> None:
    one, two = cluster
    email = address('ana')
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, one.base_url, mailbox, email)  # cookies are per host, not per port
    await page.goto(f'{two.base_url}/profile')
    await expect(page.get_by_text(email).first).to_be_visible()
    assert page.url == f'{two.base_url}/profile'  # not sent to the sign-in page

    await page.goto(f'{two.base_url}/signout')
    await page.goto(f'{one.base_url}/profile')
    await page.wait_for_url('**/signin?next=/profile')
    await context.close()


async def test_a_429_counted_on_one_process_holds_on_the_other(cluster: tuple[LiveServer, LiveServer]) -> None:
    one, two = cluster
    email = address('ana')
    async with httpx.AsyncClient(base_url=one.base_url, timeout=30) as first, \
            httpx.AsyncClient(base_url=two.base_url, timeout=30) as second:
        for _ in range(5):
            assert (await first.post('/api/auth/magic-link', json={'email': email})).status_code == 202
        refused = await second.post('/api/auth/magic-link', json={'email': email})
    assert refused.status_code == 429, refused.text
    assert int(refused.headers['Retry-After']) > 0 and refused.json()['code'] == 'rate_limited'


# --- live across processes -------------------------------------------------------------------------------------------


async def test_people_on_two_processes_see_each_other_their_focus_and_their_packing(
        browser: Browser, cluster: tuple[LiveServer, LiveServer], mailbox: Mailbox) -> None:
    one, two = cluster
    async with http_client(one) as http:
        ana, ben = await signed_in(http, mailbox, 'ana', 'ben')
        list_id = await shared_list(ana, ben, 'Tent', 'Hat')
    async with opened_by(browser, one, mailbox, ana, f'/lists/{list_id}') as (ana_page, _), \
            opened_by(browser, two, mailbox, ben, f'/lists/{list_id}') as (ben_page, ben_context):
        await ben_page.get_by_role('button', name='Got it').click()  # his first visit to a list shared with him
        await expect(here(ana_page).get_by_role('img', name=ben.name, exact=True)).to_be_visible(timeout=ACROSS_MS)
        await expect(here(ben_page).get_by_role('img', name=ana.name, exact=True)).to_be_visible(timeout=ACROSS_MS)

        await ben_page.get_by_label('Rename Tent').click()  # into the item's name: he is editing Tent
        await expect(ben_page.get_by_label('Name of Tent')).to_be_focused()
        editing = ana_page.get_by_role('img', name=f'{ben.name} is editing')
        await expect(row(ana_page, 'Tent').get_by_role('img', name=f'{ben.name} is editing')) \
            .to_be_visible(timeout=ACROSS_MS)
        await expect(editing).to_have_count(1)  # on that row only
        await ben_page.get_by_label('Name of Tent').press('Escape')
        await expect(editing).to_have_count(0, timeout=ACROSS_MS)

        await ana_page.get_by_role('checkbox', name='Hat').check()  # through process one ...
        await expect(ben_page.get_by_role('checkbox', name='Hat')).to_be_checked(timeout=ACROSS_MS)  # ... seen on two
        await ben_page.get_by_role('checkbox', name='Tent').check()  # and back
        await expect(ana_page.get_by_role('checkbox', name='Tent')).to_be_checked(timeout=ACROSS_MS)

        await ben_context.close()  # ben closes his page on process two: he leaves ana's avatars on process one
        await expect(here(ana_page).get_by_role('img', name=ben.name, exact=True)).to_have_count(0, timeout=ACROSS_MS)


async def test_a_notification_made_through_one_process_rings_the_bell_on_the_other_without_a_reload(
        browser: Browser, cluster: tuple[LiveServer, LiveServer], mailbox: Mailbox) -> None:
    one, two = cluster
    async with http_client(one) as http:
        ana, ben = await signed_in(http, mailbox, 'ana', 'ben')
        async with opened_by(browser, two, mailbox, ben, '/profile') as (page, _):
            await expect(page.get_by_role('button', name='Notifications: 0 unread')).to_be_visible()
            await page.evaluate('window.stillTheSamePage = true')
            plist = await ana.post('/api/packing-lists', {'name': 'Lisbon'})
            await ana.post(f'/api/packing-lists/{plist["id"]}/invitations', {'emails': [ben.email], 'role': 'editor'})
            await expect(page.get_by_role('button', name='Notifications: 1 unread')).to_be_visible(timeout=ACROSS_MS)
            assert await page.evaluate('window.stillTheSamePage === true'), 'the page reloaded'

            await page.get_by_role('button', name='Notifications: 1 unread').click()
            await expect(page.get_by_text(f'{ana.name} invited you to the list Lisbon as editor')).to_be_visible()


async def test_a_member_removed_through_one_process_loses_the_list_on_the_other_within_two_seconds(
        browser: Browser, cluster: tuple[LiveServer, LiveServer], mailbox: Mailbox) -> None:
    one, two = cluster
    async with http_client(one) as http:
        ana, ben = await signed_in(http, mailbox, 'ana', 'ben')
        list_id = await shared_list(ana, ben, 'Tent', 'Hat')
        async with opened_by(browser, two, mailbox, ben, f'/lists/{list_id}') as (page, _):
            await page.get_by_role('button', name='Got it').click()
            await expect(page.get_by_role('checkbox', name='Tent')).to_be_visible()
            response = await http.delete(f'/api/packing-lists/{list_id}/collaborators/{ben.id}', headers=ana.headers)
            assert response.status_code == 204
            removed = time.monotonic()
            await expect(page.get_by_test_id('ended-banner')).to_have_text(
                'You no longer have access to this list.', timeout=ACCESS_END_S * 1000)
            await expect(page.get_by_test_id('item-row')).to_have_count(0, timeout=ACCESS_END_S * 1000)
            assert time.monotonic() - removed <= ACCESS_END_S, 'the items stayed on screen'
            # the rest of the list's content goes too, not only the controls: no names, no people, no title
            await expect(page.get_by_text('Tent')).to_have_count(0)
            await expect(page.get_by_text('Hat')).to_have_count(0)
            await expect(page.get_by_test_id('presence')).to_have_count(0)
            await expect(page.get_by_test_id('list-title')).to_have_text('No access')


# --- helpers ---------------------------------------------------------------------------------------------------------


class Person(Api):
    """Someone with an API token on process one and an address to sign a browser in with."""

    def __init__(self, api: Api, email: str) -> None:
        super().__init__(api.http, api.token, api.id)
        self.email = email
        self.name = email.split('@')[0]  # a first sign-in names the account so


def address(name: str) -> str:
    """An address of its own per test: the module's database outlives the test, and so do rate limits."""
    return f'{name}.{uuid.uuid4().hex[:8]}@example.com'


async def signed_in(http: httpx.AsyncClient, mailbox: Mailbox, *names: str) -> list[Person]:
    emails = [address(name) for name in names]
    return [Person(await api_sign_in(http, mailbox, email), email) for email in emails]


async def shared_list(owner: Api, member: Api, *items: str) -> str:
    plist = await owner.post('/api/packing-lists', {'name': 'Lisbon'})
    for name in items:
        await owner.post(f'/api/packing-lists/{plist["id"]}/items', {'name': name})
    await owner.share(plist['id'], member, 'editor')
    return plist['id']


@asynccontextmanager
async def opened_by(browser: Browser, server: LiveServer, mailbox: Mailbox, person: Person,
                    path: str) -> AsyncIterator[tuple[Page, BrowserContext]]:
    """`person`'s own browser, signed in through `server` and showing `path` there."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await sign_in(page, server.base_url, mailbox, person.email)
        await page.goto(f'{server.base_url}{path}')
        yield page, context
    finally:
        await context.close()


def row(page: Page, item: str) -> Locator:
    """The row of `item` (its packed checkbox is named after it)."""
    return page.get_by_test_id('item-row').filter(has=page.get_by_role('checkbox', name=item, exact=True))
