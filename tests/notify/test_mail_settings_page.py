"""The profile page's mail settings: what Ana switches off there is what the API and the scheduler see."""
from nicegui.elements.mixins.value_element import ValueElement
from nicegui.testing import User

from tests.support.helpers import browser_sign_in, create_list
from tests.support.mailbox import Mailbox


async def test_switch_off_reminders_and_mute_a_list_on_the_profile_page(user: User, client, mailbox: Mailbox,
                                                                         ana) -> None:
    lisbon = await create_list(client, ana, 'Lisbon')
    await create_list(client, ana, 'Rome')
    await browser_sign_in(user, mailbox, 'ana@example.com')
    await user.open('/profile')
    await user.should_see('Digest mails')
    with user:
        for marker, value in (('reminders', False), (f'mute-{lisbon["id"]}', True)):
            element = user.find(marker=marker).elements.pop()
            assert isinstance(element, ValueElement)
            element.value = value
    user.find(marker='save-mail').click()
    await user.should_see('Mail settings saved', retries=30)
    saved = (await client.get('/api/user/notification-settings', headers=ana)).json()
    assert saved == {'digests': True, 'reminders': False, 'muted_lists': [lisbon['id']]}

    await user.open('/profile')  # shown as saved
    with user:
        reminders = user.find(marker='reminders').elements.pop()
        assert isinstance(reminders, ValueElement) and reminders.value is False
