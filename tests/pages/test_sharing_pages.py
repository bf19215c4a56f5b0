"""Sharing in simulated browsers: onboarding through mailed links, revocation while a page is open, forged events,
the owner's Share dialog, the People dialog and the first-visit welcome."""
from urllib.parse import urlsplit

from nicegui.testing import User
from sqlmodel import select

from models import Invitation, ListCreate, ListMember
from models import User as UserRow
from tests.support.helpers import browser_sign_in, services
from tests.support.interaction import trigger
from tests.support.mailbox import Mailbox
from tests.support.people import account
from tests.support.sharing import sharing, token_of
from tests.support.waiting import eventually
from travelpack_ui.components.item_table import ItemTable


async def ana_with_list(user: User, mailbox: Mailbox, name: str = 'Lisbon') -> tuple[UserRow, str]:
    await browser_sign_in(user, mailbox, 'ana@example.com')
    ana = account('ana@example.com')
    plist = await services().lists.create(ListCreate(name=name), user=ana)
    return ana, plist['id']


def role_of(list_id: str, email: str) -> str | None:
    role = services().lists.role_of(list_id, account(email).id)
    return role.value if role else None


# --- onboarding ------------------------------------------------------------------------------------------------

async def test_a_visitor_joins_by_share_link_and_the_sign_in_link_lands_in_the_list(user: User, create_user,
                                                                                     mailbox: Mailbox) -> None:
    ana, list_id = await ana_with_list(user, mailbox)
    link = await sharing().links.create(list_id, 'editor', user=ana)
    ben = create_user()
    await ben.open(urlsplit(link['url']).path)
    await ben.should_see('ana invited you to “Lisbon”')
    ben.find(marker='email').type('ben@example.com')  # a share link is tied to no address: asked once
    ben.find(marker='send-link').click()
    magic = await mailbox.link_for('ben@example.com', containing='/auth/magic')
    await ben.open(urlsplit(magic).path + '?' + urlsplit(magic).query)
    ben.find(marker='sign-in').click()
    await ben.should_see(kind=ItemTable, retries=50)  # landed in the list, no second button
    assert role_of(list_id, 'ben@example.com') == 'editor'
    assert len(mailbox.to('ben@example.com')) == 1


async def test_a_signed_in_visitor_joins_by_share_link(user: User, create_user, mailbox: Mailbox) -> None:
    ana, list_id = await ana_with_list(user, mailbox)
    link = await sharing().links.create(list_id, 'viewer', user=ana)
    ben = create_user()
    await browser_sign_in(ben, mailbox, 'ben@example.com')
    await ben.open(f'/share/{token_of(link["url"])}')
    await ben.should_see('ana invited you to “Lisbon”')
    await ben.should_see('You join as viewer')
    assert role_of(list_id, 'ben@example.com') is None
    ben.find(marker='join').click()
    await eventually(lambda: role_of(list_id, 'ben@example.com') == 'viewer')


def tampered(path: str) -> str:
    """The link with its signature's first character changed: it carries six bits of the signature, so the link no
    longer verifies (changing the last characters can keep it valid: the last one carries only some bits)."""
    at = path.rindex('.') + 1
    return path[:at] + ('B' if path[at] == 'A' else 'A') + path[at + 1:]


async def test_tampered_expired_and_revoked_links_say_so(user: User, mailbox: Mailbox) -> None:
    ana, list_id = await ana_with_list(user, mailbox)
    await user.open('/invite/not-a-real-token')
    await user.should_see('This link is not valid')
    await sharing().invitations.invite(list_id, ['ben@example.com'], 'editor', user=ana)
    invite_path = urlsplit(await mailbox.link_for('ben@example.com', containing='/invite/')).path
    invitation = sharing().invitations.of(list_id, user=ana)[0]
    await sharing().invitations.revoke(list_id, invitation['id'], user=ana)
    await user.open(invite_path)
    await user.should_see('This invitation has expired or was revoked')
    link = await sharing().links.create(list_id, 'editor', 1, user=ana)
    await user.open(tampered(urlsplit(link['url']).path))
    await user.should_see('This link is not valid')
    await sharing().links.revoke(list_id, link['id'], user=ana)
    await user.open(urlsplit(link['url']).path)
    await user.should_see('This share link has expired or was revoked')


# --- revocation is immediate -----------------------------------------------------------------------------------

async def test_a_removed_members_open_page_loses_access_at_once(user: User, create_user, mailbox: Mailbox) -> None:
    ana, list_id = await ana_with_list(user, mailbox)
    link = await sharing().links.create(list_id, 'editor', user=ana)
    ben = create_user()
    await browser_sign_in(ben, mailbox, 'ben@example.com')
    await sharing().accepting.accept(token_of(link['url']), user=account('ben@example.com'))
    await ben.open(f'/lists/{list_id}')
    await ben.should_see('Lisbon')
    await ben.should_see(marker='activity-toggle')
    table = ben.find(kind=ItemTable).elements.pop()
    await sharing().collaborators.remove(list_id, account('ben@example.com').id, user=ana)
    await ben.should_see('You no longer have access to this list.', retries=50)
    # the list's content leaves the page, not only its controls (the table's rows: tests/browser/)
    await ben.should_not_see('Lisbon')
    await ben.should_not_see(marker='activity-toggle')
    await ben.should_not_see(marker='presence')
    await ben.should_not_see('Share')
    room = services().rooms.get(list_id)
    assert room is None or ben.client.id not in room.tabs  # no more updates for this tab
    await trigger(ben, table, 'op', {'ops': [{'op_id': 'late', 'type': 'item.create', 'fields': {'name': 'Hat'}}]})
    assert services().lists.snapshot(list_id)['items'] == []


async def test_a_downgraded_editor_turns_read_only_and_forged_events_change_nothing(
        user: User, create_user, mailbox: Mailbox) -> None:
    ana, list_id = await ana_with_list(user, mailbox)
    link = await sharing().links.create(list_id, 'editor', user=ana)
    ben = create_user()
    await browser_sign_in(ben, mailbox, 'ben@example.com')
    ben_row = account('ben@example.com')
    await sharing().accepting.accept(token_of(link['url']), user=ben_row)
    await ben.open(f'/lists/{list_id}')
    table = ben.find(kind=ItemTable).elements.pop()
    assert table.props['canEdit'] is True
    await sharing().collaborators.set_role(list_id, ben_row.id, 'viewer', user=ana)
    await eventually(lambda: table.props['canEdit'] is False)
    forged = {'ops': [{'op_id': 'forged', 'type': 'item.create', 'fields': {'name': 'Hat'}},
                      {'op_id': 'forged-2', 'type': 'list.update', 'fields': {'name': 'Mine now'}}]}
    await trigger(ben, table, 'op', forged)
    snapshot = services().lists.snapshot(list_id)
    assert snapshot['items'] == [] and snapshot['name'] == 'Lisbon'


# --- the dialogs on the list page ---------------------------------------------------------------------------

async def test_the_owner_shares_from_the_dialog(user: User, mailbox: Mailbox) -> None:
    ana, list_id = await ana_with_list(user, mailbox)
    await user.open(f'/lists/{list_id}')
    await user.should_not_see(marker='welcome')  # the owner is not welcomed to their own list
    user.find(marker='share').click()
    await user.should_see(marker='share-dialog')
    user.find(marker='invite-emails').type('ben@example.com, carl@example.com')
    user.find(marker='invite-message').type('Bring\nsnacks')
    user.find(marker='send-invitations').click()
    await mailbox.wait_for('ben@example.com')
    await mailbox.wait_for('carl@example.com')
    await user.should_see(marker='invitation-status-ben@example.com', retries=50)
    assert {i['email'] for i in sharing().invitations.of(list_id, user=ana)} == {'ben@example.com', 'carl@example.com'}
    user.find(marker='create-link').click()
    await user.should_see(marker='share-link-url', retries=50)
    assert len(sharing().links.of(list_id, user=ana)) == 1
    await user.should_see('ana@example.com')  # the owner sees email addresses


async def test_a_stale_share_dialog_cannot_act_after_ownership_moved(user: User, create_user,
                                                                     mailbox: Mailbox) -> None:
    ana, list_id = await ana_with_list(user, mailbox)
    link = await sharing().links.create(list_id, 'editor', user=ana)
    ben = create_user()
    await browser_sign_in(ben, mailbox, 'ben@example.com')
    await sharing().accepting.accept(token_of(link['url']), user=account('ben@example.com'))
    await user.open(f'/lists/{list_id}')
    user.find(marker='share').click()
    await user.should_see(marker='share-dialog')
    await sharing().collaborators.transfer(list_id, account('ben@example.com').id, user=ana)
    user.find(marker='invite-emails').type('eve@example.com')
    user.find(marker='send-invitations').click()  # the button is still on screen; the server says no
    await user.should_see('Your role on this list (editor) does not allow this.', retries=30)
    with services().db.read() as session:
        assert session.exec(select(Invitation).where(Invitation.email == 'eve@example.com')).first() is None


async def test_members_are_welcomed_once_see_people_and_can_leave(user: User, create_user,
                                                                 mailbox: Mailbox) -> None:
    ana, list_id = await ana_with_list(user, mailbox)
    link = await sharing().links.create(list_id, 'viewer', user=ana)
    ben = create_user()
    await browser_sign_in(ben, mailbox, 'ben@example.com')
    ben_row = account('ben@example.com')
    await sharing().accepting.accept(token_of(link['url']), user=ben_row)
    await ben.open(f'/lists/{list_id}')
    await ben.should_see(marker='welcome')
    await ben.should_see('ana (owner)')
    await ben.should_see('As a viewer you can see everything')
    await eventually(lambda: not sharing().collaborators.needs_welcome(list_id, ben_row.id))
    await ben.open(f'/lists/{list_id}')
    await ben.should_not_see(marker='welcome')
    ben.find(marker='people').click()
    await ben.should_see(marker='people-dialog')
    await ben.should_see('ben (you)')
    await ben.should_not_see('ana@example.com')  # names and avatars only: emails are for the owner
    ben.find(marker='leave').click()
    await ben.should_see(marker='confirm')
    ben.find(marker='confirm').click()
    await eventually(lambda: role_of(list_id, 'ben@example.com') is None)
    with services().db.read() as session:
        assert session.get(ListMember, (list_id, ben_row.id)) is None
