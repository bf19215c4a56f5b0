"""The object graph: `main.py` builds one `Services` and hands it to the API and every page."""
from dataclasses import dataclass

from travelpack_ui.auth.service import AuthService
from travelpack_ui.core.db import Database
from travelpack_ui.core.mailer import Mailer
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.ops import OpService
from travelpack_ui.lists.service import ListService
from travelpack_ui.live.rooms import Rooms


@dataclass
class Services:
    settings: Settings
    db: Database
    writer: Writer
    mailer: Mailer
    auth: AuthService
    lists: ListService
    ops: OpService
    rooms: Rooms


def build_services(settings: Settings) -> Services:
    """Wire settings → database → services. Migrations run here, so a fresh data dir just works."""
    db = Database(settings.resolved_database_url)
    db.migrate()
    writer = Writer(db)
    mailer = Mailer(settings)
    auth = AuthService(settings, db, writer, mailer)
    lists = ListService(db, writer, bin_days=settings.bin_days)
    ops = OpService(db, writer, items_max=settings.items_per_list_max)
    rooms = Rooms(lists, ops, writer, burst_window=settings.burst_window_s,
                  presence_interval=settings.presence_interval_s)
    return Services(settings=settings, db=db, writer=writer, mailer=mailer, auth=auth, lists=lists, ops=ops,
                    rooms=rooms)
