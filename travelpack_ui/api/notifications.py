"""REST: the caller's in-app notifications (API.md, "Notifications"): read them, mark them read."""
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from models import NotificationsPublic, User
from travelpack_ui.api.deps import bearer_user
from travelpack_ui.api.errors import BODY, SIGNED_IN, errors
from travelpack_ui.notify.service import LIMIT_MAX
from travelpack_ui.services import Services

ID_MAX = 2**31 - 1  # the id column's range: a larger number names no entry
# ids are opaque strings on the wire (API.md); these are the digits of the entry's number
ENTRY_ID = r'^[1-9][0-9]{0,9}$'
EntryId = Annotated[str, StringConstraints(pattern=ENTRY_ID), Field(description='an entry id'),
                    BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)]


def entry_numbers(ids: list[str]) -> list[int]:
    """The entry numbers named (one beyond the column's range names nothing, like an id that is not yours)."""
    return [int(i) for i in ids if int(i) <= ID_MAX]


class MarkRead(BaseModel):
    """Either some entries by id, or all of them."""
    model_config = ConfigDict(extra='forbid', json_schema_extra={'oneOf': [
        {'required': ['ids'], 'not': {'required': ['all']}},
        {'required': ['all'], 'properties': {'all': {'const': True}}, 'not': {'required': ['ids']}}]})

    ids: list[EntryId] | None = Field(default=None, max_length=1000)
    all: bool | None = None

    @model_validator(mode='after')
    def _one_of(self) -> 'MarkRead':
        if (self.ids is None) == (self.all is None):
            raise ValueError('send either "ids" (a list) or "all": true')
        if self.all is False:
            raise ValueError('"all" marks everything read; it can only be true')
        return self


def notifications_router(services: Services) -> APIRouter:
    router = APIRouter(prefix='/api/user', tags=['notifications'])
    notifications = services.notifications
    CurrentUser = Annotated[User, Depends(bearer_user(services.auth))]

    @router.get('/notifications', response_model=NotificationsPublic, response_model_exclude_unset=True,
                responses=errors(SIGNED_IN, 422))
    def notifications_of(user: CurrentUser, unread: bool | None = None,
                         limit: Annotated[int, Query(ge=1, le=LIMIT_MAX)] = 50,
                         before: Annotated[str | None, Query(pattern=ENTRY_ID)] = None
                         ) -> dict[str, Any]:
        """Newest first; `unread=true` for unread ones only; pass the last entry's id as `before` for more."""
        # every entry comes before a number beyond the id column's range (PostgreSQL could not even compare it)
        cursor = int(before) if before and int(before) <= ID_MAX else None
        return notifications.page(user.id, unread=unread, limit=limit, before=cursor)

    @router.post('/notifications/read', status_code=204, responses=errors(SIGNED_IN, BODY, 503))
    async def mark_read(body: MarkRead, user: CurrentUser) -> Response:
        """`{"ids": [...]}` marks those entries read (ids not yours are ignored); `{"all": true}` marks all."""
        await notifications.mark_read(user.id, ids=entry_numbers(body.ids or []), everything=bool(body.all))
        return Response(status_code=204)

    return router
