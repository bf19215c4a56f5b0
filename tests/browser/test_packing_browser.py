"""What only a browser shows: signing in through the mailed link, packing, and a second tab following live."""
from playwright.async_api import Browser, expect

from tests.support.browser import sign_in
from tests.support.mailbox import Mailbox


async def test_sign_in_add_and_pack_and_a_second_tab_follows_live(browser: Browser, server, mailbox: Mailbox) -> None:
    context = await browser.new_context(viewport={'width': 1280, 'height': 900})
    page = await context.new_page()
    await sign_in(page, server.base_url, mailbox, 'ana@example.com')
    await expect(page.get_by_text('No packing lists yet.')).to_be_visible()

    await page.get_by_role('button', name='New list').click()
    await page.get_by_label('Name').fill('Lisbon')
    await page.get_by_role('button', name='Create').click()
    await page.wait_for_url('**/lists/**')
    await expect(page.get_by_text('Nothing to pack yet.')).to_be_visible()

    add = page.get_by_label('Add item')
    for name in ('Sunscreen', 'Passport'):
        await add.fill(name)
        await add.press('Enter')
        await expect(add).to_be_focused()  # type, Enter, keep typing
    await expect(page.get_by_role('checkbox', name='Passport')).to_be_visible()

    second = await context.new_page()
    await second.goto(page.url)
    await expect(second.get_by_role('checkbox', name='Sunscreen')).not_to_be_checked()

    await page.get_by_role('checkbox', name='Sunscreen').check()
    await expect(second.get_by_role('checkbox', name='Sunscreen')).to_be_checked()
    await expect(second.get_by_test_id('progress')).to_contain_text('1 / 2 packed')

    await second.get_by_label('Add item').fill('Hat')
    await second.get_by_label('Add item').press('Enter')
    await expect(page.get_by_role('checkbox', name='Hat')).to_be_visible()

    await page.get_by_role('button', name='List actions').click()  # a menu built on first use
    await page.get_by_text('Rename', exact=True).click()
    await page.get_by_label('Name', exact=True).fill('Lisbon in July')
    await page.get_by_role('button', name='Save').click()
    await expect(second.get_by_text('Lisbon in July')).to_be_visible()  # the other tab's header follows

    await page.reload()  # what was acknowledged is what the server kept
    await expect(page.get_by_role('checkbox', name='Sunscreen')).to_be_checked()
    await expect(page.get_by_role('checkbox', name='Hat')).not_to_be_checked()

    await page.get_by_role('button', name='Account').click()
    await page.get_by_text('Sign out').click()
    await expect(page.get_by_text('Sign in to TravelPack')).to_be_visible()
    await context.close()


async def test_pasting_several_lines_adds_several_items(browser: Browser, server, mailbox: Mailbox) -> None:
    context = await browser.new_context(viewport={'width': 375, 'height': 800})  # a phone
    page = await context.new_page()
    await sign_in(page, server.base_url, mailbox, 'ben@example.com')
    await page.get_by_role('button', name='New list').click()
    await page.get_by_label('Name').fill('Camping')
    await page.get_by_role('button', name='Create').click()
    await page.wait_for_url('**/lists/**')
    add = page.get_by_label('Add item')
    await add.focus()
    await page.evaluate('''() => {
        const input = document.querySelector('[data-testid="add-item"] input, input[data-testid="add-item"]');
        const data = new DataTransfer();
        data.setData('text/plain', 'Tent\\nSleeping bag\\n\\nTorch');
        input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }''')
    for name in ('Tent', 'Sleeping bag', 'Torch'):
        await expect(page.get_by_role('checkbox', name=name)).to_be_visible()
    width = await page.evaluate('document.documentElement.scrollWidth')
    assert width <= 375, f'the page scrolls sideways on a phone ({width} px)'
    await context.close()
