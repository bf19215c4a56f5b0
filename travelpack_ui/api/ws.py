"""`WS /api/packing-lists/{id}/ws`: the real-time API for scripts and apps (API.md, "Real-time for API clients").

The handshake checks the browser Origin, the credential and the list, then hands the socket to a `Connection`.
"""
import logging

from fastapi import APIRouter, WebSocket

from travelpack_ui.api.ws_connection import FORBIDDEN, NOT_AUTHENTICATED, NOT_FOUND, Connection
from travelpack_ui.core.errors import NotFound, Unauthorized
from travelpack_ui.services import Services

log = logging.getLogger(__name__)


def ws_router(services: Services) -> APIRouter:
    router = APIRouter(prefix='/api/packing-lists', tags=['real-time'])

    @router.websocket('/{list_id}/ws')
    async def list_socket(websocket: WebSocket, list_id: str, token: str | None = None) -> None:
        """Snapshot, then changes and presence; accepts ops, focus and pings (see API.md, "Real-time")."""
        origin = websocket.headers.get('origin')
        if origin is not None and origin.rstrip('/').lower() not in {o.lower() for o in services.settings.origins}:
            log.info('WebSocket refused: origin %s is not allowed', origin)
            await websocket.close(code=FORBIDDEN)  # before accept: the handshake answers 403
            return
        await websocket.accept()  # close codes reach clients only after the handshake
        try:
            user, credential = services.auth.identify(token)
        except Unauthorized:
            await websocket.close(code=NOT_AUTHENTICATED, reason='not authenticated')
            return
        if services.lists.role_of(list_id, user.id) is None:
            await websocket.close(code=NOT_FOUND, reason='no such packing list')
            return
        try:
            room = await services.rooms.open(list_id)
        except NotFound:  # purged from the bin meanwhile
            await websocket.close(code=NOT_FOUND, reason='no such packing list')
            return
        connection = Connection(services, room, user, websocket, credential)
        if not connection.join():
            services.rooms.drop_if_empty(list_id)
            await websocket.close(code=NOT_FOUND, reason='no such packing list')
            return
        try:
            await connection.run()
        finally:
            connection.part()

    return router
