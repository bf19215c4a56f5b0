"""Sharing in two browsers: a link made in the Share dialog, onboarding by mailed link, removal ends access live."""
import httpx
from playwright.async_api import Browser, expect

from tests.support.browser import sign_in
from tests.support.helpers import api_sign_in
from tests.support.mailbox import Mailbox


async def test_share_by_link_onboard_edit_and_remove(browser: Browser, server, mailbox: Mailbox) -> None:
    ana_context, ben_context = await browser.new_context(), await browser.new_context()
    ana, ben = await ana_context.new_page(), await ben_context.new_page()
    await sign_in(ana, server.base_url, mailbox, 'ana@example.com')
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        headers = await api_sign_in(api, mailbox, 'ana@example.com')
        plist = (await api.post('/api/packing-lists', json={'name': 'Road trip'}, headers=headers)).json()
        await api.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Map'}, headers=headers)
    await ana.goto(f'{server.base_url}/lists/{plist["id"]}')

    await ana.get_by_role('button', name='Share').click()
    await ana.get_by_role('tab', name='Links').click()
    await ana.get_by_text('Can view').last.click()
    await ana.get_by_role('option', name='Can edit').click()
    await ana.get_by_role('button', name='Create link').click()
    url_field = ana.get_by_test_id('share-link-url')
    await expect(url_field).not_to_have_value('')
    share_url = await url_field.input_value()
    assert share_url.startswith(f'{server.base_url}/share/')
    await ana.get_by_role('button', name='Done').click()

    await ben.goto(share_url)  # not signed in: asked for an email, then a mailed link brings him back
    await expect(ben.get_by_text('Road trip').first).to_be_visible()
    await ben.get_by_label('Email').fill('ben@example.com')
    await ben.get_by_role('button', name='Email me a link').click()
    link = await mailbox.link_for('ben@example.com', containing='/auth/magic')
    await ben.goto(link)
    await ben.get_by_role('button', name='Sign in').click()
    await ben.wait_for_url(f'**/lists/{plist["id"]}')  # signing in joins: the link was asked for to join
    await ben.get_by_role('button', name='Got it').click()  # the first-visit welcome

    await ben.get_by_role('checkbox', name='Map').check()
    await expect(ana.get_by_role('checkbox', name='Map')).to_be_checked()

    await ana.get_by_role('button', name='Share').click()
    await ana.get_by_role('tab', name='People').click()
    await ana.get_by_role('button', name='Remove').click()
    await expect(ben.get_by_test_id('ended-banner')).to_be_visible()
    # the list's content goes, not only the controls: no rows, no activity, no people, no name
    await expect(ben.get_by_role('checkbox', name='Map')).to_have_count(0)
    await expect(ben.get_by_text('Map')).to_have_count(0)
    await expect(ben.get_by_text('Activity')).to_have_count(0)
    await expect(ben.get_by_test_id('presence')).to_have_count(0)
    await expect(ben.get_by_test_id('list-title')).to_have_text('No access')
    await expect(ben).to_have_title('No access · TravelPack')
    await ana_context.close()
    await ben_context.close()
