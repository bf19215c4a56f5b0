"""The API refuses an email address no mail server would take, with 422 and a sentence, and sends nothing."""
from tests.support.helpers import api_sign_in, create_list
from tests.support.mailbox import Mailbox

TOO_LONG = 'a@' + 'b' * 300 + '.com'


async def test_a_sign_in_link_for_an_impossible_address_is_refused(client, mailbox: Mailbox) -> None:
    refused = await client.post('/api/auth/magic-link', json={'email': TOO_LONG})
    assert refused.status_code == 422
    assert refused.json()['code'] == 'invalid' and refused.json()['detail'].startswith('email: ')
    assert not mailbox.messages
    assert (await client.post('/api/auth/magic-link', json={'email': 'Ben@Travelpack.test'})).status_code == 202
    await mailbox.wait_for('ben@travelpack.test')


async def test_an_invitation_to_an_impossible_address_is_refused(client, mailbox: Mailbox) -> None:
    ana = await api_sign_in(client, mailbox, 'ana@example.com')
    plist = await create_list(client, ana)
    refused = await client.post(f'/api/packing-lists/{plist["id"]}/invitations',
                                json={'emails': ['ben@example.com', TOO_LONG], 'role': 'editor'}, headers=ana)
    assert refused.status_code == 422 and refused.json()['code'] == 'invalid'
    assert not mailbox.to('ben@example.com')  # nothing sent when one address of the batch is refused
