"""A list on a phone (375 × 740): ten items on the first screen, a header that never overlaps, thumb-sized targets,
one tap to pack, and rows that hold still while someone else edits them."""
import itertools
import re
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from tests.support.browser import here, sign_in
from tests.support.helpers import api_sign_in
from tests.support.mailbox import Mailbox
from tests.support.sharing import join

STATUS_LINE_PX = 24  # kept free below the header for the page's connection status line
TOUCH_PX = 44
LONG_NAME = 'Porto, Braga and the Douro valley with the whole family and the neighbours'
ITEMS = ['Passport', 'Phone charger', 'Toothbrush', 'Sunglasses', 'Swimsuit', 'Sandals', 'Rain jacket', 'Socks',
         'Travel adapter', 'Headphones', 'Book', 'Water bottle', 'Snacks', 'Hat']

Box = dict[str, float]


async def test_a_phone_shows_ten_items_under_a_header_that_never_overlaps(browser: Browser, server,
                                                                          mailbox: Mailbox) -> None:
    list_id, owner = await a_shared_list_of_plain_items(server.base_url, mailbox)
    ana_context = await browser.new_context(viewport={'width': 375, 'height': 740}, is_mobile=True, has_touch=True,
                                            device_scale_factor=2)
    ben_context = await browser.new_context()
    ana, ben = await ana_context.new_page(), await ben_context.new_page()
    await sign_in(ana, server.base_url, mailbox, 'ana@example.com')
    await sign_in(ben, server.base_url, mailbox, 'ben@example.com')
    await ana.goto(f'{server.base_url}/lists/{list_id}')  # the first load, at phone size
    await expect(ana.get_by_test_id('item-row')).to_have_count(len(ITEMS))
    await expect(here(ana).get_by_role('img', name='ana', exact=True)).to_be_visible()  # the header is complete

    header = await header_apart(ana)
    add = ana.get_by_label('Add item')
    assert await add.evaluate('e => document.elementFromPoint(e.getBoundingClientRect().x + 20, '
                              'e.getBoundingClientRect().y + 20) === e'), 'the add field is covered'
    assert (await add.get_attribute('placeholder') or '').startswith('Add')

    # the page's connection status line sits under the header; where a page does not show one yet, its place is kept
    status_line = ana.locator('[role=status]:not([data-testid=toast]):visible')
    reserve = 0 if await status_line.count() else STATUS_LINE_PX
    rows = await row_boxes(ana)
    first_screen = [r for r in rows if r['y'] >= max(b['y'] + b['height'] for b in header)
                    and r['y'] + r['height'] <= 740 - reserve]
    assert len(first_screen) >= 10, f'{len(first_screen)} rows fully visible on the first screen: {rows}'
    assert await ana.evaluate('document.documentElement.scrollWidth') <= 375, 'the page scrolls sideways'

    for name in ITEMS[:10]:  # the name is text, not a field, and the checkbox is named after the item
        await expect(ana.get_by_role('checkbox', name=name, exact=True)).to_be_visible()
    await expect(ana.get_by_test_id('item-row').locator('input:not([type=checkbox]), textarea')).to_have_count(0)
    checkbox_area = await box_of(ana.get_by_role('checkbox', name='Passport').locator('xpath=..'))
    name_button = await box_of(ana.get_by_role('button', name='Passport', exact=True))
    for target in (checkbox_area, name_button, *header[:3], header[6]):  # a box, the name, buttons, the home link
        assert target['width'] >= TOUCH_PX and target['height'] >= TOUCH_PX, f'too small to tap: {target}'

    await ben.goto(f'{server.base_url}/lists/{list_id}')
    await ben.get_by_role('button', name='Got it').click()  # his first visit
    await expect(here(ana).get_by_role('img', name='ben', exact=True)).to_be_visible()
    await header_apart(ana)
    still = await row_boxes(ana)
    await ben.get_by_label('Quantity of Socks').focus()  # someone starts editing: a mark, no movement
    await expect(ana.get_by_role('img', name='ben is editing')).to_be_visible()
    await ben.get_by_label('Quantity of Socks').fill('3')
    await ben.get_by_label('Quantity of Socks').press('Enter')
    socks = ana.get_by_test_id('item-row').filter(has=ana.get_by_role('checkbox', name='Socks'))
    await expect(socks.get_by_test_id('quantity-tag')).to_have_text('×3')
    await expect(socks.get_by_test_id('attribution')).to_have_attribute('title', re.compile('changed by ben'))
    assert await row_boxes(ana) == still, 'rows moved while someone else edited'

    await ana.get_by_role('checkbox', name='Passport').tap()  # one tap packs
    await expect(ana.get_by_role('checkbox', name='Passport')).to_be_checked()
    await expect(ben.get_by_role('checkbox', name='Passport')).to_be_checked()

    async with httpx.AsyncClient(base_url=server.base_url) as api:  # a long name, renamed live: still apart
        response = await api.patch(f'/api/packing-lists/{list_id}', json={'name': LONG_NAME}, headers=owner)
        assert response.status_code == 200, response.text
    await expect(ana.get_by_test_id('list-title')).to_have_text(LONG_NAME)
    await header_apart(ana)
    await ana_context.close()
    await ben_context.close()


async def a_shared_list_of_plain_items(base_url: str, mailbox: Mailbox) -> tuple[str, dict[str, str]]:
    """Ana's trip with plain items (no category, bag or traveler), shared with Ben as an editor; and Ana's headers."""
    async with httpx.AsyncClient(base_url=base_url) as api:
        ana = await api_sign_in(api, mailbox, 'ana@example.com')
        ben = await api_sign_in(api, mailbox, 'ben@example.com')
        plist = (await api.post('/api/packing-lists', json={
            'name': 'Weekend in Porto', 'destination': 'Porto, Portugal', 'start_date': '2027-05-14',
            'end_date': '2027-05-16'}, headers=ana)).json()
        for name in ITEMS:
            await api.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': name}, headers=ana)
        await join(api, ana, plist['id'], ben, 'editor')
    return plist['id'], ana


async def header_apart(page: Page) -> list[Box]:
    """The header's boxes (buttons first), after checking that no two overlap and that all fit the screen."""
    boxes = [await box_of(page.get_by_role('button', name=name)) for name in ('Share', 'List actions', 'Account')]
    boxes += [await box_of(page.get_by_test_id(test_id)) for test_id in ('list-title', 'list-details')]
    boxes += [await box_of(here(page)), await box_of(page.get_by_role('link', name='TravelPack'))]
    boxes.append(await box_of(page.get_by_label('Add item')))
    for a, b in itertools.combinations(boxes, 2):
        assert not overlap(a, b), f'header elements overlap: {a} and {b}'
    width = page.viewport_size['width'] if page.viewport_size else 0
    assert all(0 <= b['x'] and b['x'] + b['width'] <= width for b in boxes), boxes
    return boxes


async def box_of(locator: Any) -> Box:
    await expect(locator).to_be_visible()
    box = await locator.bounding_box()
    assert box is not None
    return box


async def row_boxes(page: Page) -> list[Box]:
    return await page.get_by_test_id('item-row').evaluate_all(
        'rows => rows.map(r => { const b = r.getBoundingClientRect(); '
        'return {x: b.x, y: b.y, width: b.width, height: b.height}; })')


def overlap(a: Box, b: Box) -> bool:
    return (a['x'] < b['x'] + b['width'] and b['x'] < a['x'] + a['width']
            and a['y'] < b['y'] + b['height'] and b['y'] < a['y'] + a['height'])
