"""Two people in two browsers on one list: each sees the other here, the other's focus, the other's edits."""
import re

import httpx
from playwright.async_api import Browser, expect

from tests.support.browser import here, sign_in, two_people_on_a_list
from tests.support.helpers import api_sign_in
from tests.support.mailbox import Mailbox
from tests.support.ws_client import opened


async def test_two_people_see_each_other_focus_and_edits(browser: Browser, server, mailbox: Mailbox) -> None:
    people = await two_people_on_a_list(browser, server, mailbox, list_name='Family trip', item_name='Tent')
    ana, ben = people.ana, people.ben
    await expect(ben.get_by_text('Welcome to')).to_be_visible()  # ben's first visit to a list shared with him
    await ben.get_by_role('button', name='Got it').click()
    await expect(here(ana).get_by_role('img', name='ben', exact=True)).to_be_visible()
    await expect(here(ben).get_by_role('img', name='ana', exact=True)).to_be_visible()

    await ben.get_by_label('Quantity of Tent').focus()
    await expect(ana.get_by_role('img', name='ben is editing')).to_be_visible()
    await ben.get_by_label('Quantity of Tent').fill('3')
    await ben.get_by_label('Quantity of Tent').press('Enter')
    await expect(ana.get_by_label('Quantity of Tent')).to_have_value('3')
    attribution = ana.get_by_test_id('attribution').first  # who added it, who changed it last, and when
    await expect(attribution).to_have_attribute('title', re.compile(r'^added by ana .*· changed by ben just now$'))
    await ben.get_by_label('Add item').focus()  # leaving the item takes the mark away
    await expect(ana.get_by_role('img', name='ben is editing')).to_have_count(0)

    await ana.get_by_role('checkbox', name='Tent').check()
    await expect(ben.get_by_role('checkbox', name='Tent')).to_be_checked()

    await people.ben_context.close()  # ben leaves: his avatar goes within a few seconds
    await expect(here(ana).get_by_role('img', name='ben', exact=True)).to_have_count(0, timeout=15_000)
    await people.ana_context.close()




async def test_a_browser_and_an_api_socket_see_each_other(browser: Browser, server, mailbox: Mailbox) -> None:
    """Presence counts everyone connected by any means: a script's socket shows up in the page, and back."""
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, server.base_url, mailbox, 'ana@example.com')
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        ana_headers = await api_sign_in(api, mailbox, 'ana@example.com')
        ben_headers = await api_sign_in(api, mailbox, 'ben@example.com')
        plist = (await api.post('/api/packing-lists', json={'name': 'Ski'}, headers=ana_headers)).json()
        item = (await api.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Goggles'},
                               headers=ana_headers)).json()
        link = (await api.post(f'/api/packing-lists/{plist["id"]}/share-links', json={'role': 'editor'},
                               headers=ana_headers)).json()
        await api.post('/api/invitations/accept', json={'token': link['url'].rsplit('/', 1)[1]}, headers=ben_headers)
    await page.goto(f'{server.base_url}/lists/{plist["id"]}')
    async with opened(server, plist['id'], ben_headers['Authorization'].split(' ', 1)[1]) as script:
        await script.expect(lambda m: m['type'] == 'snapshot')
        await expect(here(page).get_by_role('img', name='ben', exact=True)).to_be_visible()
        await script.send({'type': 'focus', 'item_id': item['id']})
        await expect(page.get_by_role('img', name='ben is editing')).to_be_visible()
        ack = await script.ops({'op_id': 'script-1', 'type': 'item.update', 'id': item['id'],
                                'fields': {'quantity': 2}})
        assert ack['results'][0]['status'] == 'applied'
        await expect(page.get_by_label('Quantity of Goggles')).to_have_value('2')
        await page.get_by_role('checkbox', name='Goggles').check()
        change = await script.expect(lambda m: m['type'] == 'change' and m['entity'].get('packed') is True)
        assert change['op'] == 'item.update' and change['actor']['display_name'] == 'ana'
        presence = await script.expect(lambda m: m['type'] == 'presence' and any(
            u['display_name'] == 'ben' and u['item_id'] == item['id'] for u in m['users']))
        assert sorted(u['display_name'] for u in presence['users']) == ['ana', 'ben']  # one entry per user
    await expect(here(page).get_by_role('img', name='ben', exact=True)).to_have_count(0)  # the script left
    await context.close()

