"""REST: which mails I get (digests, departure reminders, muted lists)."""
from typing import Annotated

from fastapi import APIRouter, Depends

from models import NotificationSettingsPublic, User
from travelpack_ui.api.deps import bearer_user
from travelpack_ui.api.errors import BODY, SIGNED_IN, errors
from travelpack_ui.services import Services


def notify_router(services: Services) -> APIRouter:
    router = APIRouter(prefix='/api', tags=['notifications'])
    prefs = services.notify.prefs
    CurrentUser = Annotated[User, Depends(bearer_user(services.auth))]

    @router.get('/user/notification-settings', responses=errors(SIGNED_IN))
    def notification_settings(user: CurrentUser) -> NotificationSettingsPublic:
        return prefs.of(user.id)

    @router.put('/user/notification-settings', responses=errors(SIGNED_IN, BODY, 503))
    async def save_notification_settings(body: NotificationSettingsPublic,
                                         user: CurrentUser) -> NotificationSettingsPublic:
        """Replace my settings; `muted_lists` are lists I am a member of (422 otherwise)."""
        return await prefs.save(user, body)

    return router
