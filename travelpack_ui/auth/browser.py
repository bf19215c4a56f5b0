"""Who is signed in to this browser: the user id in the signed session cookie (Starlette's SessionMiddleware,
signed with the storage secret), so every process that shares the secret knows it; no process's files.

The cookie can only be written while a response is being built, never from a button handler (the page was sent
long before). So a handler that signs someone in makes a short-lived grant, signed and bound to this browser's
session id, and sends the browser to `/auth/session`, a plain route that checks it, writes the cookie and
redirects. Signing out goes through `/signout`, which also gives the session a new id: an old grant found in the
history is then worth nothing.
"""
import functools
import inspect
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import App, app, ui

from models import User
from travelpack_ui.auth.accounts import Accounts
from travelpack_ui.auth.service import safe_next
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.tokens import LinkSigner

USER_KEY = 'user_id'
GRANT = 'browser-sign-in'
GRANT_SECONDS = 120


def signed_in(accounts: Accounts, back_to: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The sign-in guard of every page and download that needs an account, put under `@ui.page` / `@app.get`.

    The page receives the browser's user as its `user` argument. A visitor who is not signed in is sent to the
    sign-in page, which brings them back to `back_to`, formatted with the page's parameters ('/lists/{list_id}').
    """
    def guard(page: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(page)
        def guarded(**kwargs: Any) -> Any:
            user = signed_in_user(accounts)
            if user is None:
                return to_sign_in(back_to.format(**kwargs))
            return page(user=user, **kwargs)  # an async page's coroutine is awaited by NiceGUI, as before
        # the routers read a page's parameters from its signature: without `user`, which is no query parameter
        parameters = [p for p in inspect.signature(page).parameters.values() if p.name != 'user']
        guarded.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        return guarded
    return guard


def signed_in_user(accounts: Accounts) -> User | None:
    """The browser's user, re-read from the database (a deleted account signs the browser out)."""
    session = app.storage.browser
    user_id = session.get(USER_KEY)
    user = accounts.user(user_id) if user_id else None
    if user_id and user is None and isinstance(session, dict):  # still building the response: forget it for good
        session.pop(USER_KEY, None)
    return user


def sign_in(settings: Settings, user: User, next_path: str = '/') -> None:
    """From an event handler: sign this browser in as `user` and go to `next_path` (through `/auth/session`)."""
    request = ui.context.client.request
    grant = LinkSigner(settings.signing_keys()).sign(GRANT, {'user': user.id, 'session': request.session.get('id'),
                                                              'at': int(time.time())})
    ui.navigate.to(f'/auth/session?grant={quote(grant)}&next={quote(safe_next(next_path), safe="/")}')


def sign_out(next_path: str = '/signin') -> None:
    """From an event handler: sign this browser out and go to `next_path` (through `/signout`)."""
    ui.navigate.to(f'/signout?next={quote(safe_next(next_path), safe="/")}')


def to_sign_in(next_path: str) -> RedirectResponse:
    return RedirectResponse(f'/signin?next={quote(next_path, safe="/")}', status_code=303)


def install_browser_sessions(web: App, settings: Settings, accounts: Accounts) -> None:
    """The two routes that write who is signed in into the cookie."""
    signer = LinkSigner(settings.signing_keys())

    @web.get('/auth/session', include_in_schema=False)
    def grant_session(request: Request, grant: str = '', next: str = '/') -> RedirectResponse:
        payload = signer.unsign(GRANT, grant) or {}
        fresh = isinstance(payload.get('at'), int) and 0 <= time.time() - payload['at'] <= GRANT_SECONDS
        mine = payload.get('session') is not None and payload.get('session') == request.session.get('id')
        user = accounts.user(payload['user']) if fresh and mine and isinstance(payload.get('user'), str) else None
        if user is None:  # forged, stale, made for another browser, or the account is gone
            return to_sign_in(safe_next(next))
        request.session[USER_KEY] = user.id
        return RedirectResponse(safe_next(next), status_code=303)

    @web.get('/signout', include_in_schema=False)
    def end_session(request: Request, next: str = '/signin') -> RedirectResponse:
        request.session.pop(USER_KEY, None)
        request.session['id'] = str(uuid.uuid4())  # grants made for the old session no longer match
        return RedirectResponse(safe_next(next), status_code=303)


def session_user_id(request: Request | None) -> str | None:
    """Whose id the cookie of `request` carries (for tests and diagnostics)."""
    return request.session.get(USER_KEY) if request is not None else None
