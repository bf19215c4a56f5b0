"""Offline edits that meet someone else's: last writer wins, and both people are told in words, with a way back."""
import httpx
from playwright.async_api import Browser, expect

from tests.browser.conftest import sign_in
from tests.helpers import api_sign_in
from tests.mailbox import Mailbox


async def test_an_offline_edit_replaces_a_value_and_both_people_are_told(browser: Browser, server,
                                                                          mailbox: Mailbox) -> None:
    ana_context, ben_context = await browser.new_context(), await browser.new_context()
    ana, ben = await ana_context.new_page(), await ben_context.new_page()
    await sign_in(ana, server.base_url, mailbox, 'ana@example.com')
    await sign_in(ben, server.base_url, mailbox, 'ben@example.com')
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        ana_headers = await api_sign_in(api, mailbox, 'ana@example.com')
        ben_headers = await api_sign_in(api, mailbox, 'ben@example.com')
        plist = (await api.post('/api/packing-lists', json={'name': 'Beach'}, headers=ana_headers)).json()
        await api.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Towel'}, headers=ana_headers)
        link = (await api.post(f'/api/packing-lists/{plist["id"]}/share-links', json={'role': 'editor'},
                               headers=ana_headers)).json()
        await api.post('/api/invitations/accept', json={'token': link['url'].rsplit('/', 1)[1]}, headers=ben_headers)
    url = f'{server.base_url}/lists/{plist["id"]}'
    await ana.goto(url)
    await ben.goto(url)
    await expect(ben.get_by_label('Quantity of Towel')).to_have_value('1')

    await ben_context.set_offline(True)  # a train with no signal
    await ben.evaluate('window.socket.io.engine.close()')  # the socket notices at once instead of after its ping
    await ben.get_by_label('Quantity of Towel').fill('3')
    await ben.get_by_label('Quantity of Towel').press('Enter')
    await expect(ben.get_by_label('Quantity of Towel')).to_have_value('3')  # shown at once, queued

    await ana.get_by_label('Quantity of Towel').fill('4')
    await ana.get_by_label('Quantity of Towel').press('Enter')
    await expect(ana.get_by_test_id('item-row').first).not_to_have_attribute('data-pending', 'true')

    await ben_context.set_offline(False)  # back online: the queued edit is sent and wins, and both are told
    await expect(ben.get_by_text("You replaced ana's 4 — use ana's?")).to_be_visible(timeout=20_000)
    await expect(ana.get_by_text('ben set the quantity to 3; your 4 was replaced — use yours?')).to_be_visible()
    await expect(ana.get_by_label('Quantity of Towel')).to_have_value('3')

    await ana.get_by_role('button', name='Use yours').click()
    await expect(ben.get_by_label('Quantity of Towel')).to_have_value('4')
    await expect(ana.get_by_label('Quantity of Towel')).to_have_value('4')
    await ana_context.close()
    await ben_context.close()
