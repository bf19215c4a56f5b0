"""Who is signed in lives in the signed session cookie, written only by `/auth/session` (with a grant that a
sign-in made for this very browser) and cleared by `/signout`; grants cannot be forged, reused after signing out,
or carried to another browser."""
import time

from nicegui.testing import User

from tests.support.helpers import browser_sign_in, services
from tests.support.mailbox import Mailbox
from tests.support.people import cookie_user, user_id
from travelpack_ui.auth.browser import GRANT
from travelpack_ui.core.tokens import LinkSigner


async def test_signing_in_writes_the_cookie_and_signing_out_makes_the_old_grant_worthless(
        user: User, mailbox: Mailbox) -> None:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    await user.should_see('My lists')
    assert cookie_user(user) == user_id('ana@example.com')
    grant_path = next(path for path in user.back_history if path.startswith('/auth/session?'))
    await user.open('/signout')
    await user.should_see('Sign in to TravelPack')
    await user.open(grant_path)  # the history's sign-in address, after signing out
    await user.should_see('Sign in to TravelPack')
    assert cookie_user(user) is None


async def test_a_grant_for_another_browser_or_a_forged_or_stale_one_signs_nobody_in(
        user: User, client, mailbox: Mailbox, ana) -> None:
    ana_id = user_id('ana@example.com')
    signer = LinkSigner(services().settings.signing_keys())
    await user.open('/signin')
    assert user.client is not None
    mine = user.client.request.session['id']
    now = int(time.time())
    for payload in ({'user': ana_id, 'session': 'someone-else', 'at': now},
                    {'user': ana_id, 'session': mine, 'at': now - 3600}):
        response = await client.get('/auth/session', params={'grant': signer.sign(GRANT, payload), 'next': '/'})
        assert response.status_code == 303 and response.headers['location'].startswith('/signin')
    forged = LinkSigner(['not our secret']).sign(GRANT, {'user': ana_id, 'session': mine, 'at': now})
    await user.open(f'/auth/session?grant={forged}')
    await user.should_see('Sign in to TravelPack')
    assert cookie_user(user) is None
