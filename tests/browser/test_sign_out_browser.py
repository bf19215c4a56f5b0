"""Signing out with changes still queued in this browser asks first; declining keeps the person signed in."""
import asyncio

from playwright.async_api import Browser

from tests.support.browser import sign_in
from tests.support.live import LiveServer
from tests.support.mailbox import Mailbox

QUESTION = '2 changes are not saved yet: they sync when you sign in again in this browser. Sign out anyway?'


async def test_signing_out_with_queued_changes_asks_first(browser: Browser, server: LiveServer,
                                                          mailbox: Mailbox) -> None:
    page = await browser.new_page()
    await sign_in(page, server.base_url, mailbox, 'ana@example.com')
    await page.goto(f'{server.base_url}/profile')  # a page with the account menu and no replay of its own
    await page.evaluate('''async () => {
        const me = await (await fetch('/profile/export.json')).json();
        const ob = await import('travelpack-item-table/outbox.js');
        await new ob.Outbox(ob.queueName(me.user.id, 'a-list-edited-offline')).add(
            [{op_id: 'q1', type: 'item.create'}, {op_id: 'q2', type: 'item.update'}]);
    }''')

    await page.get_by_role('button', name='Account', exact=True).click()
    async with page.expect_event('dialog') as asked:
        # not awaited here: a click whose handler opens a dialog may only finish once the dialog is answered
        click = asyncio.ensure_future(page.get_by_text('Sign out').click())
    dialog = await asked.value
    assert dialog.message == QUESTION
    await dialog.dismiss()
    await click
    await page.get_by_role('button', name='Account', exact=True).click()  # declined: still signed in, on the same page
    assert page.url.endswith('/profile')

    page.once('dialog', lambda question: question.accept())
    await page.get_by_text('Sign out').click()
    await page.wait_for_url('**/signin**')
