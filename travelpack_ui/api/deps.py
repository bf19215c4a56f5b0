"""Shared pieces of the API routers: who is calling."""
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from models import User
from travelpack_ui.auth.service import AuthService


def bearer_user(auth: AuthService) -> Callable[..., User]:
    """A dependency that resolves `Authorization: Bearer <JWT or personal access token>` to a user (or 401).

    `HTTPBearer` only reads the header (and shows the scheme in /docs); with `auto_error=False` a missing or
    foreign header reaches our check, which answers 401 `{detail, code}` instead of FastAPI's 403.
    """
    scheme = HTTPBearer(auto_error=False, description='A JWT from /api/auth/token, or a personal access token')

    def current_user(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(scheme)]) -> User:
        return auth.authenticate(credentials.credentials if credentials else None)
    return current_user
