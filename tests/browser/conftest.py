"""Real Chromium (Debian's package, driven by Playwright) against a real server."""
import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.mailbox import Mailbox

CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage']


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if 'tests/browser/' in str(item.fspath).replace('\\', '/'):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = shutil.which('chromium') or shutil.which('chromium-browser')
    assert executable, 'Chromium is not installed: apt-get install -y chromium'
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


async def sign_in(page: Page, base_url: str, mailbox: Mailbox, email: str) -> None:
    """Sign in the way a person does: ask for a link, open the mail's link, press "Sign in"."""
    count = len(mailbox.to(email)) + 1
    await page.goto(f'{base_url}/signin')
    await page.get_by_label('Email').fill(email)
    await page.get_by_role('button', name='Email me a link').click()
    await page.get_by_text('Check your inbox').wait_for()
    link = await mailbox.link_for(email, count=count, containing='/auth/magic')
    await page.goto(link)
    await page.get_by_role('button', name='Sign in').click()
    await page.get_by_text('My lists').first.wait_for()
