"""Who is signed in to this browser: the user id kept in NiceGUI's per-browser storage (a signed cookie)."""
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import app

from models import User
from travelpack_ui.auth.service import AuthService


def signed_in_user(auth: AuthService) -> User | None:
    """The browser's user, re-read from the database (a deleted account signs the browser out)."""
    user_id = app.storage.user.get('user_id')
    user = auth.user(user_id) if user_id else None
    if user_id and user is None:
        app.storage.user.clear()
    return user


def sign_in(user: User) -> None:
    app.storage.user['user_id'] = user.id


def sign_out() -> None:
    app.storage.user.clear()


def to_sign_in(next_path: str) -> RedirectResponse:
    return RedirectResponse(f'/signin?next={quote(next_path, safe="/")}', status_code=303)
