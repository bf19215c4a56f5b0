"""Packing lists themselves: the shared audit columns, the list and its members, and the list's payloads.

Every list-scoped row carries audit fields, a `version` (the list version of its last change), the version at
which each field last changed (`field_versions`, for the conflict rule) and a tombstone (`deleted_at`), so that
deletes can be restored and edits to deleted things explained. What lives inside a list is in `entities.py`.
"""
from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import JSON, DateTime
from sqlmodel import Field, SQLModel

from .common import NAME_MAX, NAME_PATTERN, NOTES_MAX, NOTES_PATTERN, clean_name, clean_notes, iso, new_id, utcnow
from .roles import Role, RoleName
from .validation import UnicodeOnly


class Audited(SQLModel):
    """Columns every list-scoped row shares."""
    version: int = Field(default=0)
    created_by: str | None = Field(default=None, max_length=36)
    updated_by: str | None = Field(default=None, max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    deleted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    deleted_by: str | None = Field(default=None, max_length=36)
    field_versions: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)

    EDITABLE: ClassVar[tuple[str, ...]] = ()

    def public(self) -> dict[str, Any]:
        """The JSON shape of this row in the API, the WebSocket and the browser component."""
        data: dict[str, Any] = {'id': self.id}  # type: ignore[attr-defined]
        for name in self.EDITABLE:
            value = getattr(self, name)
            data[name] = value.isoformat() if isinstance(value, date) else value
        data.update(version=self.version, created_by=self.created_by, updated_by=self.updated_by,
                    created_at=iso(self.created_at), updated_at=iso(self.updated_at))
        if self.deleted_at is not None:
            data.update(deleted=True, deleted_at=iso(self.deleted_at), deleted_by=self.deleted_by)
        return data


class PackingList(Audited, table=True):
    __tablename__ = 'packing_list'

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(max_length=NAME_MAX)
    destination: str | None = Field(default=None, max_length=NAME_MAX)
    start_date: date | None = None
    end_date: date | None = None
    notes: str | None = Field(default=None, max_length=NOTES_MAX)

    EDITABLE: ClassVar[tuple[str, ...]] = ('name', 'destination', 'start_date', 'end_date', 'notes')


class ListMember(SQLModel, table=True):
    """Membership with its role: every query about a list goes through this table."""
    __tablename__ = 'list_member'

    list_id: str = Field(foreign_key='packing_list.id', primary_key=True, ondelete='CASCADE', max_length=36)
    user_id: str = Field(foreign_key='app_user.id', primary_key=True, index=True, ondelete='CASCADE',
                         max_length=36)
    role: str = Field(max_length=10)
    added_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    added_by: str | None = Field(default=None, max_length=36)
    welcomed: bool = False
    # mail for people who are away (travelpack_ui/notify): when they last had the list open, how far a digest
    # has told them, when the last digest went out, which start date they were reminded of, and a per-list mute
    last_seen_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    digest_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    digest_sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    reminded_for: date | None = None
    muted: bool = False


# --- payloads: what a client may send, validated at the edge --------------------------------------------------

class Payload(UnicodeOnly):
    model_config = ConfigDict(extra='forbid', str_strip_whitespace=False)

    @classmethod
    def fields_set_in(cls, raw: dict[str, Any]) -> dict[str, Any]:
        """Validate `raw` and keep only the fields it actually named."""
        model = cls.model_validate(raw)
        return {name: getattr(model, name) for name in model.model_fields_set}


# the limits the `clean_*` rules enforce after NFC normalisation, shown in the schema (a pydantic constraint would
# count before normalising and word its refusal differently)
NAME_BOUNDS: dict[str, Any] = {'minLength': 1, 'maxLength': NAME_MAX, 'pattern': NAME_PATTERN}
NOTES_BOUNDS: dict[str, Any] = {'maxLength': NOTES_MAX, 'pattern': NOTES_PATTERN}


def not_empty(value: Any) -> Any:
    """An update may leave a required name out, but not set it to null."""
    if value is None:
        raise ValueError('must not be empty')
    return value


def name_rule(value: Any) -> Any:
    return clean_name(value) if value is not None else value


class ListCreate(Payload):
    name: str = PydanticField(json_schema_extra=NAME_BOUNDS)
    destination: str | None = PydanticField(default=None, json_schema_extra=NAME_BOUNDS)
    start_date: date | None = None
    end_date: date | None = None
    notes: str | None = PydanticField(default=None, json_schema_extra=NOTES_BOUNDS)

    _v_name = field_validator('name')(name_rule)
    _v_destination = field_validator('destination')(lambda v: clean_name(v) if v else None)
    _v_notes = field_validator('notes')(clean_notes)

    @model_validator(mode='after')
    def _dates_in_order(self) -> 'ListCreate':
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError('end_date must not be before start_date')
        return self


class ListUpdate(ListCreate):
    name: str = PydanticField(default=None, json_schema_extra=NAME_BOUNDS)  # type: ignore[assignment]

    _name_not_null = field_validator('name')(not_empty)


# --- answers: what the API sends back ---------------------------------------------------------------------------

class PersonPublic(BaseModel):
    """Who owns a list, or who overwrote a value: enough to name them."""
    id: str
    display_name: str


class ConflictPublic(BaseModel):
    """A value this change overwrote: someone else set `field` to `value` after the change's base version."""
    field: str
    value: Any
    by: PersonPublic
    at: str | None = PydanticField(description='ISO 8601 UTC')


class AuditedPublic(BaseModel):
    """The fields `Audited.public()` writes; `deleted*` only appear for a deleted entity."""
    id: str
    version: int
    created_by: str | None
    updated_by: str | None
    created_at: str | None = PydanticField(description='ISO 8601 UTC')
    updated_at: str | None = PydanticField(description='ISO 8601 UTC')
    deleted: bool | None = PydanticField(default=None, description='present (true) only when deleted')
    deleted_at: str | None = None
    deleted_by: str | None = None


class ListMetaPublic(AuditedPublic):
    name: str
    destination: str | None
    start_date: str | None = PydanticField(description='ISO 8601 date')
    end_date: str | None = PydanticField(description='ISO 8601 date')
    notes: str | None


class ListSummaryPublic(ListMetaPublic):
    """One line of "my lists": the metadata, the caller's role, the owner and progress."""
    role: RoleName
    owner: PersonPublic | None
    item_count: int
    packed_count: int


ROLE_VALUES = tuple(r.value for r in Role)
