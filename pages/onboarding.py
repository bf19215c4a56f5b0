"""Joining a shared list: `/invite/<token>` (an email invitation) and `/share/<token>` (a share link).

A bare GET only shows what the link is for; joining takes a deliberate press of "Join" (mail scanners follow links).
An email invitation is a magic link for an address that has no account yet: "Join" creates the account, signs the
browser in and opens the list — one mail, one click. An address that has an account joins with the same click
when the browser is signed in as it; otherwise "Join" mails that address a sign-in link that lands in the list
(an invitation may be forwarded and lasts days, so it never opens an existing account by itself). A share link is
tied to no address: a visitor who is not signed in gives an email once, and the sign-in link lands in the list.
"""
from nicegui import ui

from models import User
from pages.signin import client_ip, sign_in_form
from travelpack_ui.auth.browser import sign_in, sign_out, signed_in_user
from travelpack_ui.components.frame import frame
from travelpack_ui.core.errors import DomainError, Gone
from travelpack_ui.services import Services
from travelpack_ui.sharing.accepting import ALREADY_ACCEPTED, AccountExists, AlreadyAccepted, BadToken, TokenInfo
from travelpack_ui.sharing.context import INVITE

ALLOWS = {'editor': 'add, change and pack items', 'viewer': 'see the list and follow the packing'}
CARD = 'w-full max-w-md self-center'


def register(services: Services) -> None:
    @ui.page('/invite/{token}')
    def invite_page(token: str) -> None:
        onboarding(services, token, f'/invite/{token}')

    @ui.page('/share/{token}')
    def share_page(token: str) -> None:
        onboarding(services, token, f'/share/{token}')


def onboarding(services: Services, token: str, here: str) -> None:
    """Open to visitors who are not signed in: the link says what it is for before anyone signs in."""
    user = signed_in_user(services.accounts)
    with frame('Join a packing list', user):
        try:
            info = services.sharing.accepting.describe(token)
        except BadToken:
            problem('This link is not valid', 'It may have been cut short or changed. Ask for a new one.', 'bad-link')
            return
        except AlreadyAccepted as used:
            already_accepted(services, used.list_id, user)
            return
        except Gone as error:
            problem(error.detail.rstrip('.'), 'Ask the person who shared it for a new one.', 'gone')
            return
        with ui.card().classes(CARD).mark('invitation'):
            ui.label(f'{info.inviter} invited you to “{info.list_name}”').classes('text-xl font-bold') \
                .mark('invitation-title')
            ui.label(f'You join as {info.role}: you can {ALLOWS.get(info.role, "see the list")}.') \
                .classes('text-gray-700').mark('invitation-role')
        if info.kind == INVITE:
            invitation_actions(services, token, here, info, user)
        elif user is None:
            sign_in_form(services, next_path=here, title='Sign in to join',
                         hint='Enter your email: we send you a link that signs you in and opens the list.')
        else:
            with ui.card().classes(CARD):
                ui.label(f'Signed in as {user.email}.').classes('text-gray-600')
                join_button(services, token, user, 'Join list')


def invitation_actions(services: Services, token: str, here: str, info: TokenInfo, user: User | None) -> None:
    """One "Join" for the invited address; anyone else signed in here is told whose invitation it is."""
    address = info.email or ''
    with ui.card().classes(CARD):
        if user is not None and user.email.strip().lower() != address:
            ui.label(f'This invitation is for {address}, but you are signed in as {user.email}.') \
                .mark('wrong-email')
            ui.label(f'Switch accounts to join as {address}: you are signed out here and come back to this page.') \
                .classes('text-gray-600')

            def switch() -> None:
                sign_out(here)
            ui.button('Sign out and continue', on_click=switch).props('unelevated color=primary').mark('switch')
            return
        if user is not None:
            ui.label(f'Signed in as {user.email}.').classes('text-gray-600')
            join_button(services, token, user, 'Join')
            return
        ui.input('Email', value=address).props('type=email outlined readonly').classes('w-full').mark('email')
        sent = ui.label('').classes('text-positive').mark('link-sent')

        async def join() -> None:
            try:
                new_user, joined = await services.sharing.accepting.join_as_invited(token)
            except AccountExists:  # never opened by the invitation: its owner signs in, and lands in the list
                try:
                    await services.auth.request_magic_link(address, next_path=here, client_ip=client_ip())
                except DomainError as error:
                    ui.notify(error.detail, type='negative')
                    return
                sent.set_text(f'Check your inbox: we sent a sign-in link to {address}. It opens the list.')
                return
            except DomainError as error:
                ui.notify(error.detail, type='negative')
                return
            sign_in(services.settings, new_user, f'/lists/{joined["list_id"]}')
        ui.button('Join', on_click=join).props('unelevated color=primary').mark('join')


def join_button(services: Services, token: str, user: User, text: str) -> None:
    async def join() -> None:
        try:
            joined = await services.sharing.accepting.accept(token, user=user)
        except DomainError as error:
            ui.notify(error.detail, type='negative')
            return
        ui.navigate.to(f'/lists/{joined["list_id"]}')
    ui.button(text, on_click=join).props('unelevated color=primary').mark('join')


def already_accepted(services: Services, list_id: str, user: User | None) -> None:
    """A member (or someone who may sign in as one) is pointed at the list; anyone else learns nothing more."""
    member = user is not None and services.lists.role_of(list_id, user.id) is not None
    with ui.card().classes(CARD).mark('already-accepted'):
        ui.label(ALREADY_ACCEPTED).classes('text-xl font-bold')
        if user is None or member:
            ui.link('Open the list', f'/lists/{list_id}').mark('open-list')
        else:
            ui.label(f'It was accepted by another account than {user.email}.').classes('text-gray-600')
            ui.link('Go to my lists', '/')


def problem(title: str, text: str, marker: str) -> None:
    with ui.card().classes(CARD).mark(marker):
        ui.label(title).classes('text-xl font-bold')
        ui.label(text)
        ui.link('Go to my lists', '/')
