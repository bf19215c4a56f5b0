"""REST: collaborators, ownership, email invitations, share links, accepting, and lists shared with me.

Bodies are validated loosely here (types, sizes) and for meaning in `Sharing`, which checks the caller's
role against the latest committed membership on every call.
"""
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import ConfigDict, Field, WithJsonSchema, field_validator

from models import AcceptedPublic, CollaboratorPublic, InvitationPublic, ListSummaryPublic, ShareLinkPublic, User
from models.common import whole_number
from models.validation import UnicodeOnly
from travelpack_ui.api.deps import bearer_user
from travelpack_ui.api.errors import BODY, CHANGE, IN_LIST, SIGNED_IN, errors
from travelpack_ui.services import Services
from travelpack_ui.sharing.service import Sharing

# roles and addresses are checked by `SharingService` (its sentences and its order of checks are the API's);
# the schema shows what it accepts
GRANTABLE_ROLE: dict[str, Any] = {'enum': ['editor', 'viewer']}
AnyRole = Annotated[str, Field(max_length=20, json_schema_extra={'enum': ['owner', 'editor', 'viewer']})]
GrantableRole = Annotated[str, Field(max_length=20, json_schema_extra=GRANTABLE_ROLE)]
Email = Annotated[Any, WithJsonSchema({'type': 'string', 'format': 'email', 'maxLength': 254})]
CHANGES_MEMBERS = errors(CHANGE, BODY, 409, 429)


class Body(UnicodeOnly):
    model_config = ConfigDict(extra='forbid')


class CollaboratorChange(Body):
    user_id: str = Field(min_length=1, max_length=64)
    role: GrantableRole  # ownership is transferred (POST .../transfer), never granted here


class TransferRequest(Body):
    user_id: str = Field(min_length=1, max_length=64)


class InvitationRequest(Body):
    emails: list[Email] = Field(max_length=50, json_schema_extra={'minItems': 1})
    role: GrantableRole
    message: str | None = Field(default=None, max_length=2000)


class ShareLinkRequest(Body):
    role: GrantableRole
    expires_in_hours: int | None = Field(default=None, strict=True, json_schema_extra={'minimum': 1, 'maximum': 8760})

    _whole = field_validator('expires_in_hours', mode='before')(whole_number)


class AcceptRequest(Body):
    token: str = Field(max_length=1000)


def sharing_router(services: Services, sharing: Sharing) -> APIRouter:
    router = APIRouter(prefix='/api', tags=['sharing'])
    CurrentUser = Annotated[User, Depends(bearer_user(services.auth))]
    base = '/packing-lists/{list_id}'

    @router.get(f'{base}/collaborators', response_model=list[CollaboratorPublic], responses=errors(IN_LIST))
    def collaborators(list_id: str, user: CurrentUser) -> list[dict[str, Any]]:
        """Everyone on the list, owner included; email addresses only for the owner."""
        return sharing.collaborators.of(list_id, user=user)

    @router.post(f'{base}/collaborators', response_model=CollaboratorPublic, responses=CHANGES_MEMBERS)
    async def change_collaborator(list_id: str, body: CollaboratorChange, user: CurrentUser,
                                  response: Response) -> dict[str, Any]:
        """Change a member's role (200), or add someone who already shares another list with you (201)."""
        entry, created = await sharing.collaborators.set_role(list_id, body.user_id, body.role, user=user)
        response.status_code = 201 if created else 200
        return entry

    @router.delete(f'{base}/collaborators/{{user_id}}', status_code=204, responses=errors(CHANGE, 409))
    async def remove_collaborator(list_id: str, user_id: str, user: CurrentUser) -> Response:
        """The owner removes someone, or a member leaves (their own id); access ends at once."""
        await sharing.collaborators.remove(list_id, user_id, user=user)
        return Response(status_code=204)

    @router.post(f'{base}/transfer', response_model=list[CollaboratorPublic], responses=CHANGES_MEMBERS)
    async def transfer(list_id: str, body: TransferRequest, user: CurrentUser) -> list[dict[str, Any]]:
        """Make a member the owner; you become an editor. Answers the collaborators as you now see them."""
        return await sharing.collaborators.transfer(list_id, body.user_id, user=user)

    @router.post(f'{base}/invitations', status_code=201, response_model=list[InvitationPublic],
                 responses=CHANGES_MEMBERS)
    async def invite(list_id: str, body: InvitationRequest, user: CurrentUser) -> list[dict[str, Any]]:
        """Mail an invitation to each address; `status` says whether the mail went out yet."""
        return await sharing.invitations.invite(list_id, body.emails, body.role, body.message, user=user)

    @router.get(f'{base}/invitations', response_model=list[InvitationPublic], responses=errors(CHANGE))
    def invitations(list_id: str, user: CurrentUser) -> list[dict[str, Any]]:
        return sharing.invitations.of(list_id, user=user)

    @router.delete(f'{base}/invitations/{{invitation_id}}', status_code=204, responses=errors(CHANGE))
    async def revoke_invitation(list_id: str, invitation_id: str, user: CurrentUser) -> Response:
        await sharing.invitations.revoke(list_id, invitation_id, user=user)
        return Response(status_code=204)

    @router.post(f'{base}/invitations/{{invitation_id}}/resend', response_model=InvitationPublic,
                 responses=errors(CHANGE, 409, 429))
    async def resend_invitation(list_id: str, invitation_id: str, user: CurrentUser) -> dict[str, Any]:
        """Mail a pending invitation again with a fresh link (the earlier link stops working) and a new expiry."""
        return await sharing.invitations.resend(list_id, invitation_id, user=user)

    @router.post(f'{base}/share-links', status_code=201, response_model=ShareLinkPublic,
                 responses=errors(CHANGE, BODY))
    async def create_link(list_id: str, body: ShareLinkRequest, user: CurrentUser) -> dict[str, Any]:
        return await sharing.links.create(list_id, body.role, body.expires_in_hours, user=user)

    @router.get(f'{base}/share-links', response_model=list[ShareLinkPublic], responses=errors(CHANGE))
    def links(list_id: str, user: CurrentUser) -> list[dict[str, Any]]:
        return sharing.links.of(list_id, user=user)

    @router.delete(f'{base}/share-links/{{link_id}}', status_code=204, responses=errors(CHANGE))
    async def revoke_link(list_id: str, link_id: str, user: CurrentUser) -> Response:
        await sharing.links.revoke(list_id, link_id, user=user)
        return Response(status_code=204)

    @router.post('/invitations/accept', response_model=AcceptedPublic, responses=errors(SIGNED_IN, BODY, 403, 410, 503))
    async def accept(body: AcceptRequest, user: CurrentUser) -> dict[str, Any]:
        """Join through an invitation or share-link token: `{"list_id", "role"}`."""
        return await sharing.accepting.accept(body.token, user=user)

    @router.get('/user/shared-with-me', response_model=list[ListSummaryPublic], response_model_exclude_unset=True,
                responses=errors(SIGNED_IN))
    def shared_with_me(user: CurrentUser) -> list[dict[str, Any]]:
        """Lists others shared with you, with your role and the owner."""
        return sharing.collaborators.shared_with_me(user)

    return router
