"""Mail for people who are away: their notification settings and the durable outbox every such mail goes through.

The outbox is a table, not a queue in memory, so a restart never loses a due mail; a row is claimed with a lease
(`claimed_by`, `claimed_until`) so several processes never send it twice, and it keeps one `message_id` for life,
so the one resend a crash mid-SMTP may cause is recognisably the same mail.
"""
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from sqlalchemy import JSON, DateTime, Index, Text
from sqlmodel import Field, SQLModel

from .common import utcnow

MailStatus = Literal['pending', 'sending', 'sent', 'failed']
MailKind = Literal['digest', 'reminder']


class NotificationSettings(SQLModel, table=True):
    """What a person wants mailed; no row means the defaults (digests and reminders on)."""
    __tablename__ = 'notification_settings'

    user_id: str = Field(foreign_key='app_user.id', primary_key=True, ondelete='CASCADE', max_length=36)
    digests: bool = True
    reminders: bool = True


class MailOutbox(SQLModel, table=True):
    """One mail to send; the scheduler drains it (pending → sending → sent, or back to pending, or failed)."""
    __tablename__ = 'mail_outbox'
    __table_args__ = (Index('ix_mail_outbox_due', 'status', 'next_attempt_at'),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    to: str = Field(max_length=320)
    subject: str = Field(max_length=400)
    text: str = Field(sa_type=Text)
    html: str | None = Field(default=None, sa_type=Text)
    headers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    message_id: str = Field(max_length=200)
    status: str = Field(default='pending', max_length=10)
    attempts: int = 0
    resumed: bool = False
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class NotificationSettingsPublic(BaseModel):
    """Which mails a person gets: digests of lists changed while away, departure reminders; lists muted for both."""
    model_config = ConfigDict(extra='forbid')

    digests: bool = True
    reminders: bool = True
    muted_lists: list[str] = PydanticField(default_factory=list, max_length=1000,
                                           description='ids of lists that mail nothing')
