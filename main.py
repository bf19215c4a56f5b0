"""TravelPack: wiring only. Settings → services → API → pages → ui.run."""
import gc

from nicegui import app, background_tasks, core, ui

import pages.export
import pages.home
import pages.list_page
import pages.onboarding
import pages.profile
import pages.signin
from pages import unsubscribe  # plain routes, no ui.page: NiceGUI's test harness keeps the module loaded
from travelpack_ui.api.auth import auth_router
from travelpack_ui.api.errors import ApiGuard, install_error_handlers
from travelpack_ui.api.lists import lists_router
from travelpack_ui.api.notifications import notifications_router
from travelpack_ui.api.notify import notify_router
from travelpack_ui.api.sharing import sharing_router
from travelpack_ui.api.ws import ws_router
from travelpack_ui.auth.browser import install_browser_sessions
from travelpack_ui.core import engineio_writer, outbox_loop
from travelpack_ui.core.logs import configure_logging
from travelpack_ui.core.service_worker import install_service_worker
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.single_process import hold_sqlite_lock
from travelpack_ui.core.socket_guard import SocketGuard
from travelpack_ui.core.web import include_routers, install_web
from travelpack_ui.core.websocket_impl import use_websockets_sansio
from travelpack_ui.services import build_services

configure_logging()
gc.set_threshold(50_000, 50, 1_000)  # GC pauses, not CPU, made most latency spikes (DESIGN.md)
settings = Settings()
sqlite_lock = hold_sqlite_lock(settings.resolved_database_url)  # a second process on one SQLite file exits here
services = build_services(settings)
app.state.travelpack = services  # tests and benchmarks reach the object graph here

install_web(app, settings)
SocketGuard(core.sio).install()  # a page obeys only the socket that did its handshake (upstream gap)
install_error_handlers(app)
install_service_worker(app)
install_browser_sessions(app, settings, services.accounts)  # who is signed in lives in the signed cookie
app.add_middleware(ApiGuard)
include_routers(app, auth_router(services), lists_router(services), sharing_router(services, services.sharing),
                ws_router(services), notify_router(services),
                notifications_router(services))
app.on_startup(lambda: background_tasks.create(services.lists.purge_periodically(), name='empty the bin'))
app.on_startup(services.sharing.invitations.post.resume)  # invitation mails that had not gone out before a restart
app.on_startup(lambda: background_tasks.create(services.notify.run(), name='mail scheduler'))
app.on_shutdown(services.notify.stop)
if services.bridge is not None:  # PostgreSQL: live changes, presence and revocations cross processes
    app.on_startup(services.bridge.start)
    app.on_shutdown(services.bridge.stop)
app.on_shutdown(services.writer.close)
app.on_shutdown(services.db.dispose)
if sqlite_lock is not None:
    app.on_shutdown(sqlite_lock.release)

for page in (pages.signin, pages.home, pages.export, pages.profile, pages.list_page, pages.onboarding,
             unsubscribe):
    page.register(services)

outbox_loop.install(app)  # a page's outbox sleeps until it has something to send
engineio_writer.install()  # no task per message per tab in engine.io's writer; rooms write past an idle one
app.on_startup(use_websockets_sansio)  # before the server binds: every socket gets the cheaper framing
ui.run(host=settings.host, port=settings.port, title='TravelPack', storage_secret=settings.secret(),
       session_middleware_kwargs={'https_only': settings.secure_cookies, 'same_site': 'lax'},
       reconnect_timeout=settings.reconnect_timeout_s, fastapi_docs=True, show=False, reload=False,
       uvicorn_logging_level='info', favicon='🧳',
       # as Socket.IO on Node: no per-message deflate; zlib per frame per tab cost more than the frames themselves
       ws_per_message_deflate=False,
       # the protocol's own pings: an API socket that stops answering leaves presence within 2 heartbeats
       ws_ping_interval=settings.heartbeat_s, ws_ping_timeout=settings.heartbeat_s)
