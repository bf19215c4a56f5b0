"""Writing and reading the change log (models/changes.py): how a room of another process learns what changed.

The op path logs each change in the transaction that makes it; rooms read the versions they have not seen.
"""
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert
from sqlmodel import Session, col, delete, select

from models import ListChange, PackingList, table_of, utcnow
from travelpack_ui.core.db import Database
from travelpack_ui.lists.applier import Change

LOG = insert(table_of(ListChange))
KEEP = timedelta(hours=1)
"""A room away from the log longer than this (a process paused for hours) re-reads the whole list instead."""


def log_changes(connection: Connection, changes: list[Change]) -> None:
    """One Core insert for all of them, on the write transaction's connection."""
    if changes:
        now = utcnow()
        connection.execute(LOG, [
            {'list_id': c.list_id, 'version': c.version, 'change': vars(c), 'at': now} for c in changes])


def changes_after(db: Database, list_id: str, version: int) -> list[Change]:
    """The logged changes of a list after `version`, in version order (possibly with holes the caller checks)."""
    with db.read() as session:
        query = select(ListChange.change).where(ListChange.list_id == list_id, col(ListChange.version) > version)
        return [Change(**row) for row in session.exec(query.order_by(col(ListChange.version))).all()]


def current_version(db: Database, list_id: str) -> int | None:
    with db.read() as session:
        return session.exec(select(PackingList.version).where(PackingList.id == list_id)).first()


def forget_changes_before(session: Session, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - KEEP
    result = session.exec(delete(ListChange).where(col(ListChange.at) < cutoff))
    return int(result.rowcount or 0)
