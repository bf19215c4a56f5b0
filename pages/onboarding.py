"""Joining a shared list: `/invite/<token>` (an email invitation) and `/share/<token>` (a share link).

A bare GET only shows what the link is for; joining takes a deliberate press of "Join list" (mail scanners follow
links). A visitor who is not signed in asks for a magic link whose `next` brings them back here.
"""
from nicegui import ui

from models import User
from pages.signin import sign_in_form
from travelpack_ui.auth.browser import signed_in_user
from travelpack_ui.components.frame import frame
from travelpack_ui.core.errors import DomainError, Gone
from travelpack_ui.services import Services
from travelpack_ui.sharing.accepting import Accepting, BadToken, TokenInfo

ALLOWS = {'editor': 'add, change and pack items', 'viewer': 'see the list and follow the packing'}


def register(services: Services) -> None:
    @ui.page('/invite/{token}')
    def invite_page(token: str) -> None:
        onboarding(services, token, f'/invite/{token}')

    @ui.page('/share/{token}')
    def share_page(token: str) -> None:
        onboarding(services, token, f'/share/{token}')


def onboarding(services: Services, token: str, here: str) -> None:
    """Open to visitors who are not signed in: the link says what it is for before anyone signs in."""
    accepting = services.sharing.accepting
    user = signed_in_user(services.accounts)
    with frame('Join a packing list', user):
        try:
            info = accepting.describe(token)
        except BadToken:
            problem('This link is not valid', 'It may have been cut short or changed. Ask for a new one.', 'bad-link')
            return
        except Gone as error:
            problem(error.detail.rstrip('.'), 'Ask the person who shared it for a new one.', 'gone')
            return
        with ui.card().classes('w-full max-w-md self-center').mark('invitation'):
            ui.label(f'{info.inviter} invited you to “{info.list_name}”').classes('text-xl font-bold') \
                .mark('invitation-title')
            ui.label(f'You join as {info.role}: you can {ALLOWS.get(info.role, "see the list")}.') \
                .classes('text-gray-700').mark('invitation-role')
        if user is None:
            hint = 'Enter your email: we send you a link that signs you in and brings you back here.'
            if info.email:
                hint = 'This invitation is for the address it was mailed to. ' + hint
            sign_in_form(services, next_path=here, title='Sign in to join', hint=hint)
            return
        join_card(accepting, token, info, user)


def join_card(accepting: Accepting, token: str, info: TokenInfo, user: User) -> None:
    with ui.card().classes('w-full max-w-md self-center'):
        if info.email is not None and info.email != user.email.lower():
            ui.label(f'You are signed in as {user.email}, but this invitation was sent to another address. '
                     'Sign out, then open the link again and sign in with the address it was sent to.') \
                .mark('wrong-email')
            ui.link('Sign out', '/signout')
            return
        ui.label(f'Signed in as {user.email}.').classes('text-gray-600')

        async def join() -> None:
            try:
                joined = await accepting.accept(token, user=user)
            except DomainError as error:
                ui.notify(error.detail, type='negative')
                return
            ui.navigate.to(f'/lists/{joined["list_id"]}')
        ui.button('Join list', on_click=join).props('unelevated color=primary').mark('join')


def problem(title: str, text: str, marker: str) -> None:
    with ui.card().classes('w-full max-w-md self-center').mark(marker):
        ui.label(title).classes('text-xl font-bold')
        ui.label(text)
        ui.link('Go to my lists', '/')
