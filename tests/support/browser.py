"""Story-level helpers for the Chromium tests: people sign in and share lists the way they really do."""
from dataclasses import dataclass

import httpx
from playwright.async_api import Browser, BrowserContext, Locator, Page

from tests.support.helpers import api_sign_in
from tests.support.live import LiveServer
from tests.support.mailbox import Mailbox
from tests.support.sharing import join


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


@dataclass
class TwoPeople:
    """Ana (owner) and Ben (editor through a share link), each in a browser of their own, on one list's page."""
    ana: Page
    ben: Page
    ana_context: BrowserContext
    ben_context: BrowserContext
    list_id: str

    async def close(self) -> None:
        await self.ana_context.close()
        await self.ben_context.close()


async def two_people_on_a_list(browser: Browser, server: LiveServer, mailbox: Mailbox, *, list_name: str,
                               item_name: str) -> TwoPeople:
    ana_context, ben_context = await browser.new_context(), await browser.new_context()
    ana, ben = await ana_context.new_page(), await ben_context.new_page()
    await sign_in(ana, server.base_url, mailbox, 'ana@example.com')
    await sign_in(ben, server.base_url, mailbox, 'ben@example.com')
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        ana_headers = await api_sign_in(api, mailbox, 'ana@example.com')
        ben_headers = await api_sign_in(api, mailbox, 'ben@example.com')
        plist = (await api.post('/api/packing-lists', json={'name': list_name}, headers=ana_headers)).json()
        await api.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': item_name}, headers=ana_headers)
        await join(api, ana_headers, plist['id'], ben_headers, 'editor')
    for page in (ana, ben):
        await page.goto(f'{server.base_url}/lists/{plist["id"]}')
    return TwoPeople(ana, ben, ana_context, ben_context, plist['id'])


def here(page: Page) -> Locator:
    """The header's "who is here" avatars."""
    return page.get_by_test_id('presence')
