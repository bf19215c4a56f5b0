"""Writing and reading the change log (models/changes.py): how a room of another process learns what changed.

The op path logs each change in the transaction that makes it; rooms read the versions they have not seen.
"""
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from models import ListChange, PackingList, utcnow
from travelpack_ui.core.db import Database
from travelpack_ui.lists.applier import Change

KEEP = timedelta(hours=1)
"""A room away from the log longer than this (a process paused for hours) re-reads the whole list instead."""


def log_changes(session: Session, changes: list[Change]) -> None:
    for change in changes:
        session.add(ListChange(list_id=change.list_id, version=change.version, change=asdict(change)))


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
