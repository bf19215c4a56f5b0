"""Two people in two browsers on one list: each sees the other here, the other's focus, the other's edits."""
from playwright.async_api import Browser, Locator, Page, expect

from tests.browser.conftest import sign_in
from tests.mailbox import Mailbox


async def test_two_people_see_each_other_focus_and_edits(browser: Browser, server, mailbox: Mailbox) -> None:
    import httpx

    from tests.helpers import api_sign_in
    ana_context = await browser.new_context()
    ben_context = await browser.new_context()
    ana, ben = await ana_context.new_page(), await ben_context.new_page()
    await sign_in(ana, server.base_url, mailbox, 'ana@example.com')
    await sign_in(ben, server.base_url, mailbox, 'ben@example.com')

    async with httpx.AsyncClient(base_url=server.base_url) as api:
        ana_headers = await api_sign_in(api, mailbox, 'ana@example.com')
        ben_headers = await api_sign_in(api, mailbox, 'ben@example.com')
        plist = (await api.post('/api/packing-lists', json={'name': 'Family trip'}, headers=ana_headers)).json()
        await api.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Tent'}, headers=ana_headers)
        link = (await api.post(f'/api/packing-lists/{plist["id"]}/share-links', json={'role': 'editor'},
                               headers=ana_headers)).json()
        token = link['url'].rsplit('/', 1)[1]
        joined = await api.post('/api/invitations/accept', json={'token': token}, headers=ben_headers)
        assert joined.status_code == 200, joined.text

    await ana.goto(f'{server.base_url}/lists/{plist["id"]}')
    await ben.goto(f'{server.base_url}/lists/{plist["id"]}')
    await expect(ben.get_by_text('Welcome to')).to_be_visible()  # ben's first visit to a list shared with him
    await ben.get_by_role('button', name='Got it').click()
    await expect(here(ana).get_by_role('img', name='ben', exact=True)).to_be_visible()
    await expect(here(ben).get_by_role('img', name='ana', exact=True)).to_be_visible()

    await ben.get_by_label('Quantity of Tent').focus()
    await expect(ana.get_by_role('img', name='ben is editing')).to_be_visible()
    await ben.get_by_label('Quantity of Tent').fill('3')
    await ben.get_by_label('Quantity of Tent').press('Enter')
    await expect(ana.get_by_label('Quantity of Tent')).to_have_value('3')
    await ben.get_by_label('Add item').focus()  # leaving the item takes the mark away
    await expect(ana.get_by_role('img', name='ben is editing')).to_have_count(0)

    await ana.get_by_role('checkbox', name='Tent').check()
    await expect(ben.get_by_role('checkbox', name='Tent')).to_be_checked()

    await ben_context.close()  # ben leaves: his avatar goes within a few seconds
    await expect(here(ana).get_by_role('img', name='ben', exact=True)).to_have_count(0, timeout=15_000)
    await ana_context.close()


def here(page: Page) -> Locator:
    """The header's "who is here" avatars."""
    return page.get_by_test_id('presence')
