"""Ways in to a list: email invitations (for one address) and share links (for whoever holds them)."""
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from .common import new_id, utcnow
from .roles import RoleName

GrantedRole = Literal['editor', 'viewer']
InvitationStatus = Literal['accepted', 'revoked', 'expired', 'sent', 'failed', 'not_sent']


class Invitation(SQLModel, table=True):
    __tablename__ = 'invitation'

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    list_id: str = Field(foreign_key='packing_list.id', index=True, ondelete='CASCADE', max_length=36)
    email: str = Field(max_length=320, index=True)
    role: str = Field(max_length=10)
    message: str | None = Field(default=None, max_length=2000)
    nonce_hash: str = Field(max_length=64)
    invited_by: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    accepted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    accepted_by: str | None = Field(default=None, max_length=36)
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    send_attempts: int = 0
    send_error: str | None = Field(default=None, max_length=500)
    sending_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    """A process is sending its mail until then: no other process (or restart) sends it meanwhile."""


class ShareLink(SQLModel, table=True):
    __tablename__ = 'share_link'

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    list_id: str = Field(foreign_key='packing_list.id', index=True, ondelete='CASCADE', max_length=36)
    role: str = Field(max_length=10)
    nonce: str = Field(max_length=64)
    created_by: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    expires_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    uses: int = 0


# --- answers ----------------------------------------------------------------------------------------------------

class CollaboratorPublic(BaseModel):
    """A member of a list; `email` is null for everyone but the owner."""
    user_id: str
    email: str | None
    display_name: str
    initials: str
    color: str
    role: RoleName
    added_at: str | None = PydanticField(description='ISO 8601 UTC')
    added_by: str | None


class InvitationPublic(BaseModel):
    id: str
    email: str
    role: GrantedRole
    expires_at: str | None
    status: InvitationStatus
    created_at: str | None
    sent_at: str | None
    send_attempts: int
    accepted_at: str | None
    message: str | None


class ShareLinkPublic(BaseModel):
    id: str
    url: str = PydanticField(description='<BASE_URL>/share/<token>')
    role: GrantedRole
    expires_at: str | None
    created_at: str | None
    uses: int
    expired: bool


class AcceptedPublic(BaseModel):
    """Where an accepted invitation or share link leads, and the role the caller now has there."""
    list_id: str
    role: RoleName
