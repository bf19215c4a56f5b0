"""People and their credentials: accounts, magic-link tokens, personal access and refresh tokens."""
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, field_validator
from pydantic import Field as PydanticField
from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from .common import clean_name, color_for, initials_of, new_id, utcnow
from .entities import PackingListPublic
from .lists import NAME_BOUNDS
from .validation import UnicodeOnly

Units = Literal['metric', 'imperial']


class User(SQLModel, table=True):
    __tablename__ = 'app_user'

    id: str = Field(default_factory=new_id, primary_key=True)
    email: str = Field(max_length=320, unique=True, index=True)
    display_name: str = Field(max_length=200)
    units: str = Field(default='metric', max_length=10)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))

    @property
    def initials(self) -> str:
        return initials_of(self.display_name)

    @property
    def color(self) -> str:
        return color_for(self.id)


class UserPublic(BaseModel):
    id: str
    email: str | None
    display_name: str
    initials: str
    color: str
    units: str = 'metric'

    @classmethod
    def of(cls, user: User, *, with_email: bool = True) -> 'UserPublic':
        return cls(id=user.id, email=user.email if with_email else None, display_name=user.display_name,
                   initials=user.initials, color=user.color, units=user.units)


class UserUpdate(UnicodeOnly):
    display_name: str | None = PydanticField(default=None, json_schema_extra=NAME_BOUNDS)
    units: Units | None = None

    _name = field_validator('display_name')(lambda v: None if v is None else clean_name(v))


class MagicToken(SQLModel, table=True):
    """A sign-in link: stored as a hash, single use, short-lived."""
    __tablename__ = 'magic_token'

    token_hash: str = Field(primary_key=True, max_length=64)
    email: str = Field(max_length=320, index=True)
    next_path: str = Field(default='/', max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ApiToken(SQLModel, table=True):
    """A long-lived secret stored as a hash: a personal access token or a refresh token."""
    __tablename__ = 'api_token'

    id: str = Field(default_factory=new_id, primary_key=True)
    user_id: str = Field(foreign_key='app_user.id', index=True, ondelete='CASCADE')
    kind: str = Field(default='personal', max_length=10)  # 'personal' | 'refresh'
    name: str = Field(max_length=200)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    expires_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


# --- answers ----------------------------------------------------------------------------------------------------

class AccessTokensPublic(BaseModel):
    """A short-lived JWT for `Authorization: Bearer`, and the single-use token that renews it."""
    access_token: str
    token_type: Literal['bearer']
    expires_in: int = PydanticField(description='seconds')
    refresh_token: str


class TokenPublic(BaseModel):
    """A personal access token as listed: never the secret itself."""
    id: str
    name: str
    created_at: str | None
    last_used_at: str | None


class TokenCreatedPublic(TokenPublic):
    token: str = PydanticField(description='shown once; send it as a bearer token')


class ExportPublic(BaseModel):
    """All of one person's data: their profile and every list they can see, in full."""
    user: UserPublic
    lists: list[PackingListPublic]
