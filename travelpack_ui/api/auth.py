"""REST: sign-in (magic links → JWT), the caller's account and personal access tokens."""
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from models import AccessTokensPublic, ExportPublic, TokenCreatedPublic, TokenPublic, User, UserPublic, UserUpdate
from models.common import clean_name
from models.lists import NAME_BOUNDS
from models.validation import UnicodeOnly
from travelpack_ui.api.deps import bearer_user
from travelpack_ui.api.errors import BODY, IN_LIST, SIGNED_IN, errors
from travelpack_ui.services import Services

# the service checks addresses (the sentence and what passes are part of the API), /docs shows what is meant
Email = Annotated[str, WithJsonSchema({'type': 'string', 'format': 'email', 'maxLength': 254})]


class MagicLinkRequest(UnicodeOnly):
    email: Email = Field(max_length=254)
    next: str | None = Field(default=None, max_length=2000)


class TokenRequest(UnicodeOnly):
    token: str = Field(max_length=200)


class RefreshRequest(UnicodeOnly):
    refresh_token: str = Field(max_length=200)


class MessagePublic(BaseModel):
    detail: str


class TokenCreate(UnicodeOnly):
    model_config = ConfigDict(extra='forbid')
    name: str = Field(json_schema_extra=NAME_BOUNDS)

    _name = field_validator('name')(clean_name)


def auth_router(services: Services) -> APIRouter:
    router = APIRouter(prefix='/api', tags=['auth'])
    auth = services.auth
    CurrentUser = Annotated[User, Depends(bearer_user(auth))]

    @router.post('/auth/magic-link', status_code=202, response_model=MessagePublic, responses=errors(BODY, 429, 503))
    async def request_magic_link(body: MagicLinkRequest, request: Request) -> dict[str, str]:
        """Mail a sign-in link. Always 202, whether or not an account exists."""
        await auth.request_magic_link(body.email, next_path=body.next or '/',
                                      client_ip=request.client.host if request.client else '')
        return {'detail': 'If the address can receive mail, a sign-in link is on its way.'}

    @router.post('/auth/token', response_model=AccessTokensPublic, responses=errors(BODY, 401, 429, 503))
    async def exchange_token(body: TokenRequest) -> dict[str, Any]:
        """Exchange the token from a sign-in mail for a short-lived JWT (and a refresh token)."""
        user, _ = await auth.consume_magic_token(body.token)
        return await auth.issue_tokens(user)

    @router.post('/auth/refresh', response_model=AccessTokensPublic, responses=errors(BODY, 401, 503))
    async def refresh(body: RefreshRequest) -> dict[str, Any]:
        """A new access token for a refresh token; the refresh token is rotated (single use)."""
        return await auth.refresh(body.refresh_token)

    @router.get('/user/me', responses=errors(SIGNED_IN))
    def me(user: CurrentUser) -> UserPublic:
        return UserPublic.of(user)

    @router.patch('/user/me', responses=errors(SIGNED_IN, BODY, 503))
    async def update_me(body: UserUpdate, user: CurrentUser) -> UserPublic:
        return UserPublic.of(await services.accounts.update(user, **body.model_dump(exclude_unset=True)))

    @router.delete('/user/me', status_code=204, responses=errors(SIGNED_IN, 503))
    async def delete_me(user: CurrentUser) -> Response:
        """Delete the account and every list it owns."""
        await services.accounts.delete(user)
        return Response(status_code=204)

    @router.get('/user/me/export', response_model=ExportPublic, response_model_exclude_unset=True,
                responses=errors(SIGNED_IN))
    def export_me(user: CurrentUser) -> dict[str, Any]:
        """All of my data as JSON: my profile and every list I can see, in full."""
        return services.accounts.export(user)

    @router.post('/user/tokens', status_code=201, response_model=TokenCreatedPublic,
                 responses=errors(SIGNED_IN, BODY, 503))
    async def create_token(body: TokenCreate, user: CurrentUser) -> dict[str, Any]:
        """A personal access token for scripts: shown once, stored hashed, used as a bearer token."""
        return await auth.create_personal_token(user, body.name)

    @router.get('/user/tokens', response_model=list[TokenPublic], responses=errors(SIGNED_IN))
    def list_tokens(user: CurrentUser) -> list[dict[str, Any]]:
        return auth.personal_tokens(user)

    @router.delete('/user/tokens/{token_id}', status_code=204, responses=errors(IN_LIST, 503))
    async def revoke_token(token_id: str, user: CurrentUser) -> Response:
        await auth.revoke_personal_token(user, token_id)
        return Response(status_code=204)

    return router
