"""The item table as a browser loads it: its CSS arrives once, and it refuses input with the server's limits."""
from playwright.async_api import Browser, expect

from models.common import NAME_MAX, NOTES_MAX, QUANTITY_MAX
from tests.support.browser import sign_in
from tests.support.mailbox import Mailbox


async def test_css_is_linked_once_and_the_server_limits_reach_the_browser(browser: Browser, server,
                                                                         mailbox: Mailbox) -> None:
    context = await browser.new_context(viewport={'width': 1280, 'height': 900})
    page = await context.new_page()
    await sign_in(page, server.base_url, mailbox, 'ana@example.com')
    await page.get_by_role('button', name='New list').click()
    await page.get_by_label('Name').fill('Oslo')
    await page.get_by_role('button', name='Create').click()
    await page.wait_for_url('**/lists/**')
    await expect(page.get_by_text('Nothing to pack yet.')).to_be_visible()

    # the CSS comes as one cached file next to the modules, not inside the (uncached) page
    html = await (await page.request.get(page.url)).text()
    assert '"travelpack-item-table/"' in html and '.tp-row-main' not in html
    sheets = page.locator('link[rel=stylesheet][href*="/esm/"][href$="/item_table.css"]')
    await expect(sheets).to_have_count(1)
    assert await page.get_by_test_id('item-table').evaluate('e => getComputedStyle(e).fontSize') == '15px'

    add = page.get_by_label('Add item')
    await add.fill('x' * (NAME_MAX + 1))
    await add.press('Enter')
    await expect(page.get_by_test_id('toast')).to_contain_text(
        f'Names can be at most {NAME_MAX} characters; this one has {NAME_MAX + 1}.')
    await expect(page.get_by_test_id('item-row')).to_have_count(0)
    await add.fill('y' * NAME_MAX)
    await add.press('Enter')
    await expect(page.get_by_test_id('item-row')).to_have_count(1)

    quantity = page.get_by_label('Quantity of ' + 'y' * NAME_MAX)
    await expect(quantity).to_have_attribute('max', str(QUANTITY_MAX))
    await quantity.fill(str(QUANTITY_MAX + 1))
    await quantity.press('Enter')
    await expect(page.get_by_test_id('toast').last).to_contain_text(f'from 0 to {QUANTITY_MAX:,}.')
    await expect(quantity).to_have_value('1')

    await page.get_by_label('Notes for ' + 'y' * NAME_MAX).first.click()
    notes = page.get_by_test_id('notes-input')
    await notes.fill('n' * (NOTES_MAX + 1))
    await notes.blur()
    await expect(page.get_by_test_id('toast').last).to_contain_text(f'Notes can be at most {NOTES_MAX} characters.')

    await page.reload()  # one sheet per page, also when the modules come from the browser's cache
    await expect(page.get_by_test_id('item-row')).to_have_count(1)
    await expect(sheets).to_have_count(1)
    await context.close()
