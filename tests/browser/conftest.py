"""Real Chromium (Debian's package, driven by Playwright) against a real server."""
import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright

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
