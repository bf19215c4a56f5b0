"""The object graph: `main.py` builds one `Services` and hands it to the API and every page."""
from dataclasses import dataclass

from travelpack_ui.auth.accounts import Accounts
from travelpack_ui.auth.service import AuthService
from travelpack_ui.core.db import Database
from travelpack_ui.core.mailer import Mailer
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.ops import OpService
from travelpack_ui.lists.service import ListService
from travelpack_ui.live.bridge import Bridge
from travelpack_ui.live.rooms import Rooms
from travelpack_ui.notify.derive import Notifier
from travelpack_ui.notify.scheduler import Notify
from travelpack_ui.notify.service import Notifications
from travelpack_ui.sharing.accepting import Accepting
from travelpack_ui.sharing.collaborators import Collaborators
from travelpack_ui.sharing.context import SharingContext
from travelpack_ui.sharing.invitations import Invitations
from travelpack_ui.sharing.links import Links
from travelpack_ui.sharing.service import Sharing


@dataclass
class Services:
    settings: Settings
    db: Database
    writer: Writer
    mailer: Mailer
    accounts: Accounts
    auth: AuthService
    lists: ListService
    ops: OpService
    rooms: Rooms
    sharing: Sharing
    notify: Notify
    notifications: Notifications
    bridge: Bridge | None
    """PostgreSQL's link to the other processes; None on SQLite (one process)."""


def build_services(settings: Settings) -> Services:
    """Wire settings → database → services. Migrations run here, so a fresh data dir just works.

    Only objects are made here; what runs at start-up and shutdown is registered by `main.py`.
    """
    db = Database(settings.resolved_database_url)
    db.migrate()
    writer = Writer(db)
    mailer = Mailer(settings)
    lists = ListService(db, writer, bin_days=settings.bin_days)
    accounts = Accounts(db, writer, lists)
    auth = AuthService(settings, db, writer, mailer, accounts)
    ops = OpService(db, writer, items_max=settings.items_per_list_max)
    rooms = Rooms(lists, ops, writer, burst_window=settings.burst_window_s,
                  presence_interval=settings.presence_interval_s)
    accounts.credential_ended.subscribe(rooms.on_credential_ended)
    sharing = build_sharing(SharingContext(settings, db, writer, lists), mailer)
    notify = Notify(settings, db, writer, mailer, rooms)
    notifications = Notifications(db, writer)
    Notifier(notifications, db, ops=ops, lists=lists, rooms=rooms, sharing=sharing.context)  # lives on its events
    notify.reminders.reminded.subscribe(
        lambda user_id, list_id, summary: notifications.notify(user_id, 'reminder', list_id, summary))
    bridge = None if db.is_sqlite else Bridge(db, rooms, accounts, notifications, heartbeat_s=settings.heartbeat_s)
    return Services(settings=settings, db=db, writer=writer, mailer=mailer, accounts=accounts, auth=auth,
                    lists=lists, ops=ops, rooms=rooms, sharing=sharing, notify=notify, notifications=notifications,
                    bridge=bridge)


def build_sharing(context: SharingContext, mailer: Mailer) -> Sharing:
    """Each part on the one context; accepting an invitation tells the invitations' listeners."""
    invitations = Invitations(context, mailer)
    return Sharing(context=context, collaborators=Collaborators(context), invitations=invitations,
                   links=Links(context), accepting=Accepting(context, invitations.changed))
