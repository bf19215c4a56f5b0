"""One-click invitations in simulated browsers: a newcomer joins with the mail's link and one press; an address
that has an account is never opened by the invitation alone; someone else signed in is told whose invitation it
is and may switch; a used invitation says so and points members at the list."""
import asyncio
from urllib.parse import urlsplit

import pytest
from nicegui.testing import User
from sqlmodel import select

from models import Invitation, ListCreate
from models import User as UserRow
from tests.support.helpers import api_sign_in, browser_sign_in, services
from tests.support.mailbox import Mailbox
from tests.support.people import account, cookie_user
from tests.support.sharing import accept, sharing, token_of
from tests.support.waiting import eventually
from travelpack_ui.components.item_table import ItemTable
from travelpack_ui.core.errors import Forbidden
from travelpack_ui.sharing.accepting import ALREADY_ACCEPTED, AccountExists, AlreadyAccepted


async def invitation_for(user: User, mailbox: Mailbox, address: str, role: str = 'editor') -> tuple[str, str]:
    """Ana (signed in in `user`) invites `address` to her list "Lisbon": the list id and the mailed link's path."""
    await browser_sign_in(user, mailbox, 'ana@example.com')
    ana = account('ana@example.com')
    plist = await services().lists.create(ListCreate(name='Lisbon'), user=ana)
    count = len(mailbox.to(address)) + 1
    await sharing().invitations.invite(plist['id'], [address], role, user=ana)
    link = await mailbox.link_for(address, count=count, containing='/invite/')
    return plist['id'], urlsplit(link).path


def has_account(email: str) -> bool:
    with services().db.read() as session:
        return session.exec(select(UserRow).where(UserRow.email == email)).first() is not None


def role_of(list_id: str, email: str) -> str | None:
    if not has_account(email):
        return None
    role = services().lists.role_of(list_id, account(email).id)
    return role.value if role else None


def signed_in_as(person: User) -> str | None:
    """Whose account the simulated browser is signed in to (the signed session cookie its last page carried)."""
    user_id = cookie_user(person)
    return services().accounts.user(user_id).email if user_id else None  # type: ignore[union-attr]


async def test_a_newcomer_joins_with_one_mail_and_one_click(user: User, create_user, mailbox: Mailbox,
                                                            client) -> None:
    list_id, invite_path = await invitation_for(user, mailbox, 'ben@example.com')
    assert (await client.get(invite_path)).status_code == 200  # a mail scanner follows the link: nothing is used
    ben = create_user()
    await ben.open(invite_path)
    await ben.should_see('ana invited you to “Lisbon”')
    await ben.should_see('You join as editor')
    assert ben.find(marker='email').elements.pop().value == 'ben@example.com'
    assert not has_account('ben@example.com')
    ben.find(marker='join').click()
    await eventually(lambda: role_of(list_id, 'ben@example.com') == 'editor')
    await ben.should_see(kind=ItemTable, retries=50)  # signed in, on the list page
    assert signed_in_as(ben) == 'ben@example.com'
    assert len(mailbox.to('ben@example.com')) == 1


async def test_an_address_with_an_account_gets_a_sign_in_link_that_lands_in_the_list(
        user: User, create_user, mailbox: Mailbox, client) -> None:
    await api_sign_in(client, mailbox, 'ben@example.com')  # Ben has used TravelPack before
    list_id, invite_path = await invitation_for(user, mailbox, 'ben@example.com')
    visitor = create_user()  # the link may have been forwarded: whoever holds it does not get Ben's account
    await visitor.open(invite_path)
    visitor.find(marker='join').click()
    await visitor.should_see('Check your inbox: we sent a sign-in link to ben@example.com', retries=50)
    assert signed_in_as(visitor) is None and role_of(list_id, 'ben@example.com') is None
    magic = await mailbox.link_for('ben@example.com', count=3, containing='/auth/magic')
    ben = create_user()
    await ben.open(urlsplit(magic).path + '?' + urlsplit(magic).query)
    ben.find(marker='sign-in').click()
    await eventually(lambda: role_of(list_id, 'ben@example.com') == 'editor')
    await ben.should_see(kind=ItemTable, retries=50)  # the sign-in link landed in the list


async def test_the_invited_account_signed_in_joins_with_one_click(user: User, create_user,
                                                                  mailbox: Mailbox) -> None:
    ben = create_user()
    await browser_sign_in(ben, mailbox, 'ben@example.com')
    list_id, invite_path = await invitation_for(user, mailbox, 'ben@example.com', role='viewer')
    await ben.open(invite_path)
    await ben.should_see('Signed in as ben@example.com.')
    ben.find(marker='join').click()
    await eventually(lambda: role_of(list_id, 'ben@example.com') == 'viewer')
    await ben.should_see(kind=ItemTable, retries=50)


async def test_someone_else_signed_in_is_told_whose_invitation_it_is_and_may_switch(
        user: User, create_user, mailbox: Mailbox) -> None:
    eve = create_user()
    await browser_sign_in(eve, mailbox, 'eve@example.com')
    list_id, invite_path = await invitation_for(user, mailbox, 'ben@example.com')
    await eve.open(invite_path)
    await eve.should_see('This invitation is for ben@example.com, but you are signed in as eve@example.com.')
    await eve.should_not_see(marker='join')
    eve.find(marker='switch').click()  # sign out and continue
    await eve.should_see(marker='join', retries=50)
    assert signed_in_as(eve) is None
    assert role_of(list_id, 'eve@example.com') is None
    eve.find(marker='join').click()  # Ben, at Eve's computer, joins as himself
    await eve.should_see(kind=ItemTable, retries=50)
    assert signed_in_as(eve) == 'ben@example.com'
    assert role_of(list_id, 'ben@example.com') == 'editor'


async def test_a_used_invitation_says_so_and_points_members_at_the_list(user: User, create_user, mailbox: Mailbox,
                                                                       client) -> None:
    list_id, invite_path = await invitation_for(user, mailbox, 'ben@example.com')
    ben = create_user()
    await ben.open(invite_path)
    ben.find(marker='join').click()
    await eventually(lambda: role_of(list_id, 'ben@example.com') == 'editor')
    await ben.should_see(kind=ItemTable, retries=50)

    await ben.open(invite_path)  # the mail's link again, a day later
    await ben.should_see(ALREADY_ACCEPTED)
    await ben.should_see(marker='open-list')
    ben.find(marker='open-list').click()
    await ben.should_see(kind=ItemTable, retries=50)
    stranger = create_user()
    await browser_sign_in(stranger, mailbox, 'eve@example.com')
    await stranger.open(invite_path)
    await stranger.should_see(ALREADY_ACCEPTED)
    await stranger.should_not_see(marker='open-list')  # not a member: nothing to open

    headers = await api_sign_in(client, mailbox, 'ben@example.com')
    again = await accept(client, headers, token_of(invite_path))
    assert again.status_code == 410
    assert again.json() == {'detail': ALREADY_ACCEPTED, 'code': 'gone'}
    with services().db.read() as session:
        assert session.exec(select(Invitation)).one().accepted_by == account('ben@example.com').id


async def test_two_presses_at_once_make_one_account_and_one_member(user: User, mailbox: Mailbox) -> None:
    list_id, invite_path = await invitation_for(user, mailbox, 'ben@example.com')
    token = token_of(invite_path)
    results = await asyncio.gather(sharing().accepting.join_as_invited(token),
                                   sharing().accepting.join_as_invited(token), return_exceptions=True)
    joined = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(joined) == 1 and len(refused) == 1
    assert isinstance(refused[0], AccountExists | AlreadyAccepted)  # the second press signs in, or is told
    assert role_of(list_id, 'ben@example.com') == 'editor'
    link = await sharing().links.create(list_id, 'editor', user=account('ana@example.com'))
    with pytest.raises(Forbidden):  # a share link is tied to no address: it never makes an account
        await sharing().accepting.join_as_invited(token_of(link['url']))
