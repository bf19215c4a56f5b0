"""In-app notifications: what someone should hear about while they were not looking, one row per entry.

A `changed_while_away` entry collapses: later changes by others to the same person's items on the same list merge
into their unread entry (its `details` keep the counts per actor and verb; `summary` is re-written from them).
"""
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import JSON, DateTime, Index
from sqlmodel import Field, SQLModel

from .common import utcnow

KINDS = ('invited', 'added', 'role_changed', 'removed', 'joined', 'assigned', 'changed_while_away', 'list_deleted',
         'transferred', 'reminder')
NotificationKind = Literal['invited', 'added', 'role_changed', 'removed', 'joined', 'assigned', 'changed_while_away',
                           'list_deleted', 'transferred', 'reminder']
SUMMARY_MAX = 1000


class Notification(SQLModel, table=True):
    __tablename__ = 'notification'
    __table_args__ = (Index('ix_notification_user', 'user_id', 'read', 'id'),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(foreign_key='app_user.id', ondelete='CASCADE', max_length=36)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    kind: str = Field(max_length=30)
    list_id: str | None = Field(default=None, foreign_key='packing_list.id', ondelete='SET NULL', max_length=36)
    summary: str = Field(max_length=SUMMARY_MAX)
    read: bool = False
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class NotificationPublic(BaseModel):
    """One entry of the bell; `list_id` only for entries about a list."""
    id: str = PydanticField(description='opaque; the cursor for `before`')
    at: str | None = PydanticField(description='ISO 8601 UTC')
    kind: NotificationKind
    list_id: str | None = None
    summary: str = PydanticField(description='a sentence naming the list, the item or the person')
    read: bool


class NotificationsPublic(BaseModel):
    """The caller's notifications, newest first, and how many are unread in all."""
    unread: int
    items: list[NotificationPublic]
