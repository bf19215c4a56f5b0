"""Shared pieces of the API routers: who is calling."""
from collections.abc import Callable

from fastapi import Request

from models import User
from travelpack_ui.auth.service import AuthService


def bearer_user(auth: AuthService) -> Callable[[Request], User]:
    """A dependency that resolves `Authorization: Bearer <JWT or personal access token>` to a user (or 401)."""
    def current_user(request: Request) -> User:
        header = request.headers.get('authorization', '')
        scheme, _, token = header.partition(' ')
        return auth.authenticate(token.strip() if scheme.lower() == 'bearer' else None)
    return current_user
