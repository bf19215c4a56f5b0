"""HTTP-level wiring that every route shares: no-store pages, security headers, allowed origins."""
from fastapi import APIRouter, FastAPI
from nicegui import App, core
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from travelpack_ui.core.settings import Settings

# no framing by other sites, no plugins, no <base> that re-points relative URLs; no script-src: NiceGUI needs its
# inline module scripts and Vue compiles templates at run time
CONTENT_SECURITY_POLICY = b"frame-ancestors 'self'; object-src 'none'; base-uri 'self'"


class NoStore:
    """Pages and API answers carry per-user data: `Cache-Control: no-store` (static files keep their caching), and
    the security headers every page needs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or scope['path'].startswith('/_nicegui/'):
            await self.app(scope, receive, send)
            return

        async def patched(message: Message) -> None:
            if message['type'] == 'http.response.start':
                headers = [(k, v) for k, v in message.get('headers', []) if k.lower() != b'cache-control']
                headers.append((b'cache-control', b'no-store'))
                headers.append((b'x-content-type-options', b'nosniff'))
                headers.append((b'referrer-policy', b'same-origin'))
                headers.append((b'content-security-policy', CONTENT_SECURITY_POLICY))
                message = {**message, 'headers': headers}
            await send(message)
        await self.app(scope, receive, patched)


def include_routers(app: FastAPI, *routers: APIRouter) -> None:
    """Include our API routers without nesting the app's lifespan once per include.

    FastAPI wraps the app's lifespan around each included router's; ours have none. NiceGUI's test harness re-runs
    `main.py` on the same app for every test, so the wrappers would pile up until the recursion limit.
    """
    lifespan = app.router.lifespan_context
    for router in routers:
        app.include_router(router)
    app.router.lifespan_context = lifespan


def install_web(app: App, settings: Settings) -> None:
    app.add_middleware(NoStore)
    # NiceGUI's socket accepts every origin by default; a browser from elsewhere must not drive our tabs
    core.sio.eio.cors_allowed_origins = sorted(settings.origins)
    # each message a tab sends is handled in its socket's read loop, in order, not in a task of its own at both the
    # engine.io and the socket.io level: NiceGUI's handlers are quick (they start tasks for whatever waits)
    core.sio.async_handlers = False
    core.sio.eio.async_handlers = False
    app.on_startup(lambda: quick_heartbeats(settings))


def quick_heartbeats(settings: Settings) -> None:
    """Notice a dead connection within seconds (presence drops it), while the tab itself keeps its place for
    `reconnect_timeout_s` (a phone in a tunnel). NiceGUI derives the pings from the reconnect timeout at start-up,
    which for a generous timeout means a minute before anyone notices; this runs after it."""
    core.sio.eio.ping_interval = min(core.sio.eio.ping_interval, settings.heartbeat_s)
    core.sio.eio.ping_timeout = min(core.sio.eio.ping_timeout, settings.heartbeat_s)
