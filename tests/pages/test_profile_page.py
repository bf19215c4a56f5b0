"""The profile page: name and units, personal access tokens, export of all my data, account deletion."""
from nicegui.elements.mixins.text_element import TextElement
from nicegui.elements.mixins.value_element import ValueElement
from nicegui.testing import User

from tests.support.helpers import browser_sign_in, services
from tests.support.interaction import click
from tests.support.mailbox import Mailbox
from tests.support.people import account
from tests.support.waiting import eventually


async def test_change_name_and_units(user: User, mailbox: Mailbox) -> None:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    await user.open('/profile')
    user.find(marker='display-name').clear().type('Ana Lima')
    with user:
        units = user.find(marker='units').elements.pop()
        assert isinstance(units, ValueElement)
        units.value = 'imperial'
    user.find(marker='save-profile').click()
    await user.should_see('Saved', retries=30)
    ana = account('ana@example.com')
    assert (ana.display_name, ana.initials, ana.units) == ('Ana Lima', 'AL', 'imperial')
    user.find(marker='display-name').clear().type('x' * 201)
    user.find(marker='save-profile').click()
    await user.should_see('Display name: must be at most 200 characters', retries=30)


async def test_personal_access_token_from_the_page(user: User, mailbox: Mailbox) -> None:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    await user.open('/profile')
    user.find('Token name').type('backup script')
    user.find('Create token').click()
    await user.should_see('Copy it now', retries=30)
    shown = next(e.text for e in user.find('Copy it now').elements if isinstance(e, TextElement))
    token = shown.rsplit(' ', 1)[1]
    me = await user.http_client.get('/api/user/me', headers={'Authorization': f'Bearer {token}'})
    assert me.status_code == 200 and me.json()['email'] == 'ana@example.com'
    user.find('Revoke').click()

    async def refused() -> bool:
        me = await user.http_client.get('/api/user/me', headers={'Authorization': f'Bearer {token}'})
        return me.status_code == 401
    await eventually(refused, message='the revoked token still works')


async def test_export_and_delete_account(user: User, mailbox: Mailbox) -> None:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    from models import ListCreate
    ana = account('ana@example.com')
    plist = await services().lists.create(ListCreate(name='Lisbon'), user=ana)
    export = await user.http_client.get('/profile/export.json')
    assert export.status_code == 200
    assert export.json()['user']['email'] == 'ana@example.com'
    assert [entry['name'] for entry in export.json()['lists']] == ['Lisbon']
    await user.open('/profile')
    user.find('Delete my account').click()  # opens the confirmation
    await user.should_see('Delete your account and every list you own?')
    confirm = [b for b in user.find('Delete my account').elements if b.props.get('unelevated')]
    assert confirm
    await click(user, confirm[0])
    await user.should_see('Sign in to TravelPack', retries=50)
    assert services().accounts.user(ana.id) is None
    assert services().lists.role_of(plist['id'], ana.id) is None
