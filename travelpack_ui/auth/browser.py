"""Who is signed in to this browser: the user id kept in NiceGUI's per-browser storage (a signed cookie)."""
import functools
import inspect
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import app

from models import User
from travelpack_ui.auth.accounts import Accounts


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
    user_id = app.storage.user.get('user_id')
    user = accounts.user(user_id) if user_id else None
    if user_id and user is None:
        app.storage.user.clear()
    return user


def sign_in(user: User) -> None:
    app.storage.user['user_id'] = user.id


def sign_out() -> None:
    app.storage.user.clear()


def to_sign_in(next_path: str) -> RedirectResponse:
    return RedirectResponse(f'/signin?next={quote(next_path, safe="/")}', status_code=303)
