"""Two `python main.py` on one PostgreSQL database with one secret: a browser signed in through one is signed in
on the other (who is signed in lives in the signed cookie, not in a process's files), signing out through either
ends it for both, and a 429 counted by one process holds on the other."""
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.support.browser import sign_in
from tests.support.live import LiveServer, two_processes
from tests.support.mailbox import Mailbox


@pytest.fixture
def two_servers(tmp_path: Path, database_url: str, mailbox: Mailbox) -> Iterator[tuple[LiveServer, LiveServer]]:
    with two_processes(tmp_path, database_url, smtp_port=mailbox.port) as servers:
        yield servers


async def test_a_browser_signed_in_on_one_process_is_signed_in_on_the_other(
        browser: Browser, two_servers: tuple[LiveServer, LiveServer], mailbox: Mailbox) -> None:
    one, two = two_servers
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, one.base_url, mailbox, 'ana@example.com')  # cookies are per host, not per port
    await page.goto(f'{two.base_url}/profile')
    await expect(page.get_by_text('ana@example.com').first).to_be_visible()
    assert page.url == f'{two.base_url}/profile'  # not sent to the sign-in page

    await page.goto(f'{two.base_url}/signout')
    await page.goto(f'{one.base_url}/profile')
    await page.wait_for_url('**/signin?next=/profile')
    await context.close()


async def test_a_429_counted_on_one_process_holds_on_the_other(two_servers: tuple[LiveServer, LiveServer]) -> None:
    one, two = two_servers
    async with httpx.AsyncClient(base_url=one.base_url, timeout=30) as first, \
            httpx.AsyncClient(base_url=two.base_url, timeout=30) as second:
        for _ in range(5):
            assert (await first.post('/api/auth/magic-link', json={'email': 'ana@example.com'})).status_code == 202
        refused = await second.post('/api/auth/magic-link', json={'email': 'ana@example.com'})
    assert refused.status_code == 429, refused.text
    assert int(refused.headers['Retry-After']) > 0 and refused.json()['code'] == 'rate_limited'
