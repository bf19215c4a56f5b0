"""Away and back: changes made offline are kept in the browser's outbox until the server answered each of them.

`set_offline` leaves open WebSockets working, so each story also closes the page's socket, as a lost signal would.
"""
import asyncio
from collections.abc import Iterator

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.support.browser import TwoPeople, two_people_on_a_list
from tests.support.helpers import api_sign_in
from tests.support.live import LiveServer, live_server
from tests.support.mailbox import Mailbox
from tests.support.sharing import me
from tests.support.waiting import eventually

QUEUED = '''async () => {
    const db = await new Promise((ok) => { const r = indexedDB.open('travelpack'); r.onsuccess = () => ok(r.result); });
    const count = db.transaction('outbox').objectStore('outbox').count();
    return new Promise((ok) => { count.onsuccess = () => ok(count.result); });
}'''
WINDOW_S = 2.0  # NiceGUI's reconnect window, shortened so that "longer than the window" takes seconds


@pytest.fixture
def short_window_server(tmp_path, database_url: str, mailbox: Mailbox) -> Iterator[LiveServer]:
    env = {'TRAVELPACK_DATABASE_URL': database_url, 'TRAVELPACK_SMTP_HOST': '127.0.0.1',
           'TRAVELPACK_SMTP_PORT': str(mailbox.port), 'TRAVELPACK_SMTP_STARTTLS': 'false',
           'TRAVELPACK_RECONNECT_TIMEOUT_S': str(WINDOW_S)}
    with live_server(tmp_path / 'live', env=env) as running:
        yield running


async def go_offline(people: TwoPeople) -> None:
    await people.ben_context.set_offline(True)
    await people.ben.evaluate('window.socket.io.engine.close()')
    await expect(status(people.ben)).to_contain_text('Offline')


def status(page: Page):
    return page.get_by_test_id('sync-status')


async def pack_rename_add_delete(ben: Page) -> None:
    """Ben's four offline changes on a list of Towel, Hat and Socks: pack Towel, rename Hat, add Sunscreen, delete
    Socks."""
    await ben.get_by_role('checkbox', name='Towel').check()
    await ben.get_by_label('Delete Socks').click()
    await ben.get_by_label('Rename Hat').click()
    await ben.get_by_label('Name of Hat').fill('Sun hat')
    await ben.get_by_label('Name of Hat').press('Enter')
    await ben.get_by_placeholder('Add').first.fill('Sunscreen')
    await ben.get_by_placeholder('Add').first.press('Enter')
    await expect(ben.get_by_role('checkbox', name='Sunscreen')).to_be_visible()
    await expect(ben.get_by_role('checkbox', name='Towel')).to_be_checked()


async def sees_all_four(page: Page) -> None:
    await expect(page.get_by_role('checkbox', name='Sunscreen')).to_be_visible(timeout=30_000)
    await expect(page.get_by_role('checkbox', name='Sun hat')).to_be_visible()
    await expect(page.get_by_role('checkbox', name='Towel')).to_be_checked()
    await expect(page.get_by_role('checkbox', name='Socks')).to_have_count(0)


async def with_hat_and_socks(people: TwoPeople) -> None:
    for name in ('Hat', 'Socks'):
        await people.ana.get_by_placeholder('Add').first.fill(name)
        await people.ana.get_by_placeholder('Add').first.press('Enter')
        await expect(people.ben.get_by_role('checkbox', name=name)).to_be_visible()
    await people.ben.get_by_role('button', name='Got it').click()  # the first-visit welcome
    await expect(people.ben.get_by_role('dialog')).to_have_count(0)


async def test_offline_longer_than_the_window_loses_nothing(browser: Browser, short_window_server: LiveServer,
                                                             mailbox: Mailbox) -> None:
    people = await two_people_on_a_list(browser, short_window_server, mailbox, list_name='Beach', item_name='Towel')
    ana, ben = people.ana, people.ben
    await with_hat_and_socks(people)
    await expect(status(ben)).to_have_text('All changes saved')

    await go_offline(people)
    await pack_rename_add_delete(ben)
    await expect(status(ben)).to_have_text("Offline — 4 changes will sync when you're back")
    await expect(ben.locator('[data-testid=item-row][data-pending]')).to_have_count(3)  # each row says so
    await expect(ana.get_by_role('checkbox', name='Sunscreen')).to_have_count(0)  # nothing left the browser
    await ben.evaluate('window.beforeTheOutage = true')
    await asyncio.sleep(WINDOW_S * 2.5)  # the condition is time itself: the server forgets Ben's page

    await people.ben_context.set_offline(False)
    await sees_all_four(ana)
    assert await ben.evaluate('window.beforeTheOutage === undefined')  # the page reloaded, the outbox replayed
    await expect(status(ben)).to_have_text('All changes saved')
    await expect(ben.locator('[data-testid=item-row][data-pending]')).to_have_count(0)
    await people.close()


async def test_offline_shorter_than_the_window_then_a_closed_page(browser: Browser, server: LiveServer,
                                                                  mailbox: Mailbox) -> None:
    people = await two_people_on_a_list(browser, server, mailbox, list_name='Hike', item_name='Towel')
    ana, ben = people.ana, people.ben
    await with_hat_and_socks(people)

    await go_offline(people)  # a short tunnel: the same page comes back and sends its queue
    await pack_rename_add_delete(ben)
    await people.ben_context.set_offline(False)
    await sees_all_four(ana)
    await expect(status(ben)).to_have_text('All changes saved')

    await go_offline(people)  # then offline again, and the tab is closed before the signal returns
    await ben.get_by_role('checkbox', name='Sunscreen').check()
    await ben.get_by_placeholder('Add').first.fill('Map')
    await ben.get_by_placeholder('Add').first.press('Enter')
    await expect(status(ben)).to_have_text("Offline — 2 changes will sync when you're back")
    await ben.close()
    await people.ben_context.set_offline(False)

    again = await people.ben_context.new_page()  # reopening the list is enough: the outbox replays
    await again.goto(f'{server.base_url}/lists/{people.list_id}')
    await expect(ana.get_by_role('checkbox', name='Map')).to_be_visible(timeout=30_000)
    await expect(ana.get_by_role('checkbox', name='Sunscreen')).to_be_checked()
    await expect(status(again)).to_have_text('All changes saved')
    assert await again.get_by_role('checkbox', name='Map').count() == 1  # replayed once, not twice
    await people.close()


async def test_made_viewer_while_offline_the_queued_changes_are_refused_in_words(
        browser: Browser, server: LiveServer, mailbox: Mailbox) -> None:
    people = await two_people_on_a_list(browser, server, mailbox, list_name='Ski', item_name='Towel')
    ana, ben = people.ana, people.ben
    await ben.get_by_role('button', name='Got it').click()
    await expect(ben.get_by_role('dialog')).to_have_count(0)

    await go_offline(people)
    await ben.get_by_placeholder('Add').first.fill('Goggles')
    await ben.get_by_placeholder('Add').first.press('Enter')
    await ben.get_by_role('checkbox', name='Towel').check()
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        ana_headers = await api_sign_in(api, mailbox, 'ana@example.com')
        ben_headers = await api_sign_in(api, mailbox, 'ben@example.com')
        ben_id = (await me(api, ben_headers))['id']
        changed = await api.post(f'/api/packing-lists/{people.list_id}/collaborators',
                                 json={'user_id': ben_id, 'role': 'viewer'}, headers=ana_headers)
        assert changed.status_code == 200

    await people.ben_context.set_offline(False)
    refusal = ben.get_by_role('alert').filter(has_text='Not saved')
    await expect(refusal).to_contain_text('Viewers cannot change this list.', timeout=30_000)
    await expect(refusal).to_contain_text('added “Goggles”; packed Towel.')  # what Ben typed stays readable
    await expect(ben.get_by_role('checkbox', name='Goggles')).to_have_count(0)  # nothing refused shows as saved
    await expect(status(ben)).to_have_text('All changes saved')
    await refusal.get_by_role('button', name='Dismiss').click()
    await expect(refusal).to_have_count(0)
    await expect(ana.get_by_role('checkbox', name='Goggles')).to_have_count(0)
    await people.close()


async def test_a_list_reloaded_offline_shows_its_last_state_and_queue_and_takes_more(
        browser: Browser, server: LiveServer, mailbox: Mailbox) -> None:
    people = await two_people_on_a_list(browser, server, mailbox, list_name='City', item_name='Towel')
    ana, ben = people.ana, people.ben
    # the service worker controls the list within about 2 s of its first load
    await ben.wait_for_function('navigator.serviceWorker.controller !== null', timeout=5_000)
    await with_hat_and_socks(people)  # Ana adds these after Ben's page was built: only the kept state has them
    await eventually(lambda: ben.evaluate('''async () => !!(await (await caches.open('tp-pages-v1'))
                                                            .match(location.origin + location.pathname))'''))

    await go_offline(people)
    await ben.get_by_role('checkbox', name='Towel').check()
    await ben.get_by_placeholder('Add').first.fill('Sunscreen')
    await ben.get_by_placeholder('Add').first.press('Enter')
    await expect(status(ben)).to_have_text("Offline — 2 changes will sync when you're back")

    await ben.reload()  # still offline: the worker's copy of the page, the kept state, the queue on top
    await expect(ben.get_by_role('checkbox', name='Sunscreen')).to_be_visible()
    await expect(ben.get_by_role('checkbox', name='Towel')).to_be_checked()
    await expect(ben.get_by_role('checkbox', name='Socks')).to_be_visible()
    await expect(status(ben)).to_have_text("Offline — 2 changes will sync when you're back")
    await expect(ben.get_by_role('button', name='People')).to_have_attribute('aria-disabled', 'true')
    await ben.get_by_role('checkbox', name='Hat').check()  # and it takes more
    await expect(status(ben)).to_have_text("Offline — 3 changes will sync when you're back")

    await people.ben_context.set_offline(False)  # the page reloads itself once and the outbox replays
    await expect(ana.get_by_role('checkbox', name='Sunscreen')).to_be_visible(timeout=30_000)
    await expect(ana.get_by_role('checkbox', name='Towel')).to_be_checked()
    await expect(ana.get_by_role('checkbox', name='Hat')).to_be_checked()
    await expect(status(ben)).to_have_text('All changes saved', timeout=30_000)
    await expect(ben.get_by_role('button', name='People')).to_have_attribute('aria-disabled', 'false')
    await people.close()


async def test_opening_the_app_sends_what_was_queued_on_a_list(browser: Browser, server: LiveServer,
                                                               mailbox: Mailbox) -> None:
    people = await two_people_on_a_list(browser, server, mailbox, list_name='Lake', item_name='Towel')
    ana, ben = people.ana, people.ben
    await ben.get_by_role('button', name='Got it').click()
    await expect(ben.get_by_role('dialog')).to_have_count(0)

    await go_offline(people)
    await ben.get_by_placeholder('Add').first.fill('Compass')
    await ben.get_by_placeholder('Add').first.press('Enter')
    await expect(status(ben)).to_have_text("Offline — 1 change will sync when you're back")
    await ben.close()
    await people.ben_context.set_offline(False)

    home = await people.ben_context.new_page()  # the home page, not the list: its socket carries the queue
    await home.goto(f'{server.base_url}/')
    await expect(ana.get_by_role('checkbox', name='Compass')).to_be_visible(timeout=30_000)
    await expect(home.get_by_test_id('home-sync')).to_have_text('All changes saved')
    assert await home.evaluate(QUEUED) == 0  # answered ops leave the outbox
    await people.close()
