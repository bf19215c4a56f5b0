"""Sign-in by emailed magic link, and sign-out.

A link asked for on an invitation's or a share link's page joins that list when "Sign in" is pressed and opens it,
so someone coming in through a link gets one mail and lands in the list.
"""
from fastapi.responses import RedirectResponse
from nicegui import ui

from travelpack_ui.auth.browser import sign_in, signed_in_user
from travelpack_ui.auth.service import safe_next
from travelpack_ui.components.frame import frame
from travelpack_ui.core.errors import DomainError
from travelpack_ui.services import Services


def register(services: Services) -> None:
    auth = services.auth

    @ui.page('/signin')
    def signin_page(next: str = '/') -> RedirectResponse | None:
        if signed_in_user(services.accounts) is not None:
            return RedirectResponse(safe_next(next), status_code=303)
        with frame('Sign in'):
            sign_in_form(services, next_path=safe_next(next))
        return None

    @ui.page('/auth/magic')
    def magic_page(token: str = '') -> None:
        """A bare GET never uses the token up (mail scanners follow links): the button does."""
        row = auth.peek_magic_token(token)
        with frame('Sign in'), ui.card().classes('w-full max-w-md self-center'):
            if row is None:
                ui.label('This sign-in link has expired or was already used.').classes('text-lg')
                ui.link('Ask for a new link', '/signin')
                return
            ui.label('Welcome to TravelPack').classes('text-xl font-bold')
            ui.label(f'Sign in as {row.email}')

            async def press() -> None:
                try:
                    user, next_path = await auth.consume_magic_token(token)
                except DomainError as error:
                    ui.notify(error.detail, type='negative')
                    return
                # asked for on an invitation's or share link's page: joins that list and opens it
                sign_in(services.settings, user, await services.sharing.accepting.land(next_path, user=user))
            ui.button('Sign in', on_click=press).props('unelevated color=primary').mark('sign-in')


def sign_in_form(services: Services, *, next_path: str, title: str = 'Sign in to TravelPack',
                 hint: str = 'We email you a link; no password needed.') -> None:
    """Email → magic link. Reused by the onboarding pages of shared lists."""
    with ui.card().classes('w-full max-w-md self-center'):
        ui.label(title).classes('text-xl font-bold')
        ui.label(hint).classes('text-gray-600')
        email = ui.input('Email', placeholder='ana@example.com').props('type=email autofocus outlined') \
            .classes('w-full').mark('email')
        sent = ui.label('').classes('text-positive')

        async def send() -> None:
            try:
                await services.auth.request_magic_link(email.value, next_path=next_path,
                                                       client_ip=client_ip())
            except DomainError as error:
                ui.notify(error.detail, type='negative')
                return
            sent.set_text(f'Check your inbox: we sent a sign-in link to {email.value.strip()}.')
        email.on('keydown.enter', send)
        ui.button('Email me a link', on_click=send).props('unelevated color=primary').mark('send-link')


def client_ip() -> str:
    request = ui.context.client.request
    return request.client.host if request is not None and request.client else ''
