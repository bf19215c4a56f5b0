"""The change log: every committed change of a list, one row per list version.

Tabs of other processes read what they missed from here (a `NOTIFY` carries only the list id and version), and a
room that finds a gap in the versions it was told reads the missing ones. Rows are kept for a while, not forever: a
room that has been away longer re-reads the whole list.
"""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlmodel import Field, SQLModel

from .common import utcnow


class ListChange(SQLModel, table=True):
    __tablename__ = 'list_change'

    list_id: str = Field(foreign_key='packing_list.id', primary_key=True, ondelete='CASCADE', max_length=36)
    version: int = Field(primary_key=True)
    change: dict[str, Any] = Field(sa_type=JSON)
    """What every tab and socket receives, with its actor, op id and activity entry (lists/applier.py `Change`)."""
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), index=True)
