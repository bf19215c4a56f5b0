"""Everything one person does on a list, in Chromium: organise, assign, filter, totals, undo, unpack all."""
from playwright.async_api import Browser, Page, expect

from tests.support.browser import sign_in
from tests.support.mailbox import Mailbox


async def new_list(page: Page, name: str) -> None:
    await page.get_by_role('button', name='New list').click()
    await page.get_by_label('Name', exact=True).fill(name)
    await page.get_by_role('button', name='Create').click()
    await page.wait_for_url('**/lists/**')


async def add(page: Page, *names: str) -> None:
    for name in names:
        await page.get_by_label('Add item').fill(name)
        await page.get_by_label('Add item').press('Enter')
        await expect(page.get_by_role('checkbox', name=name, exact=True)).to_be_visible()


async def test_organise_assign_filter_totals_undo_and_unpack_all(browser: Browser, server, mailbox: Mailbox) -> None:
    context = await browser.new_context(viewport={'width': 1280, 'height': 1000})
    page = await context.new_page()
    await sign_in(page, server.base_url, mailbox, 'ana@example.com')
    await new_list(page, 'Alps')

    await page.get_by_text('Organise categories, bags and travelers').click()
    for kind, name in (('category', 'Clothes'), ('bag', 'Red'), ('traveler', 'Ana'), ('traveler', 'Ben')):
        await page.get_by_label(f'Add {kind}', exact=True).fill(name)
        await page.get_by_label(f'Add {kind}', exact=True).press('Enter')
        await expect(page.get_by_label(f'Rename {kind} {name}')).to_be_visible()

    await add(page, 'Jacket', 'Boots', '<img src=x onerror="window.hacked=1">')
    evil = '<img src=x onerror="window.hacked=1">'
    await expect(page.get_by_role('checkbox', name=evil)).to_be_visible()  # shown as text, never as HTML
    assert await page.evaluate('window.hacked') is None

    await page.get_by_label('Bag for Jacket').select_option(label='Red')
    await page.get_by_label('Traveler for Jacket').select_option(label='Ana')
    await page.get_by_label('Traveler for Boots').select_option(label='Ben')
    await page.get_by_label('Weight of Jacket in grams').fill('900')
    await page.get_by_label('Weight of Jacket in grams').press('Enter')
    await page.get_by_label('Quantity of Jacket').fill('2')
    await page.get_by_label('Quantity of Jacket').press('Enter')
    await expect(page.get_by_test_id('bag-weights')).to_contain_text('Red 1.8 kg')  # weight × quantity

    await page.get_by_role('checkbox', name='Jacket').check()
    await expect(page.get_by_test_id('progress')).to_contain_text('1 / 3 packed')
    await expect(page.get_by_test_id('traveler-progress')).to_contain_text('Ana 1/1')
    await expect(page.get_by_test_id('traveler-progress')).to_contain_text('Ben 0/1')

    await page.get_by_label('Filter by traveler').select_option(label='Ben')
    await expect(page.get_by_test_id('item-row')).to_have_count(1)
    await page.get_by_label('Filter by traveler').select_option(label='All travelers')
    await page.get_by_label('Unpacked only').check()
    await expect(page.get_by_role('checkbox', name='Jacket')).to_have_count(0)
    await page.get_by_label('Unpacked only').uncheck()
    await page.get_by_label('Search items').fill('boo')
    await expect(page.get_by_test_id('item-row')).to_have_count(1)
    await page.get_by_label('Search items').fill('nothing like this')
    await expect(page.get_by_text('No items match these filters.')).to_be_visible()
    await page.get_by_role('button', name='Clear filters').click()
    await expect(page.get_by_test_id('item-row')).to_have_count(3)

    names = page.get_by_test_id('item-name')
    await expect(names.nth(0)).to_have_text('Jacket')
    await page.get_by_label('Move Boots up').click()
    await expect(names.nth(0)).to_have_text('Boots')

    await page.get_by_label('Delete Boots').click()
    await expect(page.get_by_role('checkbox', name='Boots')).to_have_count(0)
    await page.get_by_test_id('toast').get_by_role('button', name='Undo').click()
    await expect(page.get_by_role('checkbox', name='Boots')).to_be_visible()

    await page.get_by_role('checkbox', name='Boots').check()
    await page.locator('body').click(position={'x': 5, 'y': 300})  # focus out of any text field
    await page.keyboard.press('Control+z')
    await expect(page.get_by_role('checkbox', name='Boots')).not_to_be_checked()

    await page.get_by_role('button', name='Unpack all').click()
    await page.get_by_role('alertdialog').get_by_role('button', name='Unpack all').click()
    await expect(page.get_by_test_id('progress')).to_contain_text('0 / 3 packed')

    await page.reload()  # all of it was saved
    await expect(page.get_by_label('Traveler for Boots').locator('option:checked')).to_have_text('Ben')
    await expect(page.get_by_test_id('bag-weights')).to_contain_text('Red 1.8 kg')
    await expect(names.nth(0)).to_have_text('Boots')
    await context.close()


async def test_on_a_phone_a_tap_opens_a_row_with_everything_else(browser: Browser, server, mailbox: Mailbox) -> None:
    """One line per item on a phone; a tap on it opens its editors below it, one row at a time."""
    context = await browser.new_context(viewport={'width': 375, 'height': 740}, is_mobile=True, has_touch=True)
    page = await context.new_page()
    await sign_in(page, server.base_url, mailbox, 'ana@example.com')
    await new_list(page, 'Oslo')
    await page.get_by_test_id('organise').locator('summary').tap()
    for kind, name in (('bag', 'Red'), ('traveler', 'Ana')):
        await page.get_by_label(f'Add {kind}', exact=True).fill(name)
        await page.get_by_label(f'Add {kind}', exact=True).press('Enter')
        await expect(page.get_by_label(f'Rename {kind} {name}')).to_be_visible()
    await page.get_by_test_id('organise').locator('summary').tap()
    await add(page, 'Jacket', 'Boots')
    await expect(page.get_by_label('Quantity of Jacket')).to_have_count(0)  # closed: the line only

    await page.get_by_role('button', name='Jacket', exact=True).tap()
    await expect(page.get_by_role('button', name='Jacket', exact=True)).to_have_attribute('aria-expanded', 'true')
    await page.get_by_label('Quantity of Jacket').fill('2')
    await page.get_by_label('Quantity of Jacket').press('Enter')
    await page.get_by_label('Bag for Jacket').select_option(label='Red')
    await page.get_by_label('Traveler for Jacket').select_option(label='Ana')
    await page.get_by_label('Weight of Jacket in grams').fill('900')
    await page.get_by_label('Weight of Jacket in grams').press('Enter')
    await page.get_by_label('Notes for Jacket').fill('the warm one')
    await page.get_by_label('Notes for Jacket').blur()
    await expect(page.get_by_test_id('bag-weights')).to_contain_text('Red 1.8 kg')

    await page.get_by_label('Rename Jacket').tap()  # the name turns into a field only now
    await page.get_by_test_id('name-input').fill('Parka')
    await page.get_by_test_id('name-input').press('Enter')
    parka = page.get_by_test_id('item-row').filter(has=page.get_by_role('checkbox', name='Parka'))
    names = page.get_by_test_id('item-name')
    await expect(names.nth(0)).to_have_text('Parka')
    await page.get_by_label('Move Parka down').tap()
    await expect(names.nth(0)).to_have_text('Boots')

    await page.get_by_role('button', name='Boots', exact=True).tap()  # opening one row closes the other
    await expect(page.get_by_label('Quantity of Parka')).to_have_count(0)
    await expect(parka.get_by_test_id('quantity-tag')).to_have_text('×2')  # what the line tells when closed
    await expect(parka.get_by_test_id('bag-tag')).to_have_text('Red')
    await expect(parka.get_by_test_id('traveler-tag')).to_have_text('Ana')
    await page.get_by_label('Delete Boots').tap()
    await expect(page.get_by_role('checkbox', name='Boots')).to_have_count(0)
    await page.get_by_test_id('toast').get_by_role('button', name='Undo').tap()
    await expect(page.get_by_role('checkbox', name='Boots')).to_be_visible()

    await page.reload()  # all of it was saved
    await page.get_by_role('button', name='Parka', exact=True).tap()
    await expect(page.get_by_label('Quantity of Parka')).to_have_value('2')
    await expect(page.get_by_label('Weight of Parka in grams')).to_have_value('900')
    await expect(page.get_by_label('Traveler for Parka').locator('option:checked')).to_have_text('Ana')
    await expect(page.get_by_label('Notes for Parka')).to_have_value('the warm one')
    await context.close()
