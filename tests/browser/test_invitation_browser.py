"""One mail, one click: a newcomer follows the mailed invitation in a fresh Chromium, presses "Join", and packs."""
import httpx
from playwright.async_api import Browser, expect

from tests.support.helpers import api_sign_in
from tests.support.mailbox import Mailbox
from tests.support.waiting import eventually


async def test_a_newcomer_joins_from_the_invitation_mail_with_one_click(browser: Browser, server,
                                                                        mailbox: Mailbox) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        ana = await api_sign_in(api, mailbox, 'ana@example.com')
        plist = (await api.post('/api/packing-lists', json={'name': 'Road trip'}, headers=ana)).json()
        base = f'/api/packing-lists/{plist["id"]}'
        await api.post(f'{base}/items', json={'name': 'Map'}, headers=ana)
        invited = await api.post(f'{base}/invitations', json={'emails': ['ben@example.com'], 'role': 'editor'},
                                 headers=ana)
        assert invited.status_code == 201, invited.text
        link = await mailbox.link_for('ben@example.com', containing='/invite/')

        context = await browser.new_context()  # a fresh browser: no account, no cookie
        ben = await context.new_page()
        await ben.goto(link)
        await expect(ben.get_by_text('ana invited you to “Road trip”')).to_be_visible()
        await ben.get_by_role('button', name='Join', exact=True).click()
        await ben.wait_for_url(f'**/lists/{plist["id"]}')
        await ben.get_by_role('button', name='Got it').click()  # the first-visit welcome
        await ben.get_by_role('checkbox', name='Map').check()  # editing the list

        collaborators = (await api.get(f'{base}/collaborators', headers=ana)).json()
        assert {(c['email'], c['role']) for c in collaborators} == {('ana@example.com', 'owner'),
                                                                    ('ben@example.com', 'editor')}
        ben_id = next(c['user_id'] for c in collaborators if c['email'] == 'ben@example.com')

        async def packed_by_ben() -> bool:
            [item] = (await api.get(base, headers=ana)).json()['items']
            return item['packed'] is True and item['updated_by'] == ben_id
        await eventually(packed_by_ben, 15.0, message='Ben\'s packing did not reach the server')
        assert len(mailbox.to('ben@example.com')) == 1  # the invitation, and nothing else
        await context.close()
