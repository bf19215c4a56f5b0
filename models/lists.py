"""Packing lists and what lives inside them.

Every list-scoped row carries audit fields, a `version` (the list version of its last change), the version at
which each field last changed (`field_versions`, for the conflict rule) and a tombstone (`deleted_at`), so that
deletes can be restored and edits to deleted things explained.
"""
from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import JSON, DateTime, Index
from sqlmodel import Field, SQLModel

from .common import NAME_MAX, NOTES_MAX, QUANTITY_MAX, clean_name, clean_notes, iso, new_id, utcnow
from .roles import Role


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
        data: dict[str, Any] = {'id': self.id}
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


class Named(Audited):
    name: str = Field(max_length=NAME_MAX)
    position: float = Field(default=0.0)

    EDITABLE: ClassVar[tuple[str, ...]] = ('name', 'position')


class Category(Named, table=True):
    __tablename__ = 'category'
    __table_args__ = (Index('ix_category_list', 'list_id'),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    list_id: str = Field(foreign_key='packing_list.id', ondelete='CASCADE', max_length=36)


class Bag(Named, table=True):
    __tablename__ = 'bag'
    __table_args__ = (Index('ix_bag_list', 'list_id'),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    list_id: str = Field(foreign_key='packing_list.id', ondelete='CASCADE', max_length=36)


class Traveler(Named, table=True):
    __tablename__ = 'traveler'
    __table_args__ = (Index('ix_traveler_list', 'list_id'),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    list_id: str = Field(foreign_key='packing_list.id', ondelete='CASCADE', max_length=36)


class Item(Audited, table=True):
    __tablename__ = 'item'
    __table_args__ = (Index('ix_item_list', 'list_id'),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    list_id: str = Field(foreign_key='packing_list.id', ondelete='CASCADE', max_length=36)
    name: str = Field(max_length=NAME_MAX)
    quantity: int = Field(default=1)
    packed: bool = False
    notes: str | None = Field(default=None, max_length=NOTES_MAX)
    weight_grams: int | None = None
    category_id: str | None = Field(default=None, max_length=36)
    bag_id: str | None = Field(default=None, max_length=36)
    traveler_id: str | None = Field(default=None, max_length=36)
    position: float = Field(default=0.0)

    EDITABLE: ClassVar[tuple[str, ...]] = ('name', 'quantity', 'packed', 'notes', 'weight_grams',
                                           'category_id', 'bag_id', 'traveler_id', 'position')


ENTITY_TABLES: dict[str, type[Audited]] = {
    'item': Item, 'category': Category, 'bag': Bag, 'traveler': Traveler,
}


# --- payloads: what a client may send, validated at the edge --------------------------------------------------

class Payload(BaseModel):
    model_config = ConfigDict(extra='forbid', str_strip_whitespace=False)

    @classmethod
    def fields_set_in(cls, raw: dict[str, Any]) -> dict[str, Any]:
        """Validate `raw` and keep only the fields it actually named."""
        model = cls.model_validate(raw)
        return {name: getattr(model, name) for name in model.model_fields_set}


def _name(value: Any) -> Any:
    return clean_name(value) if value is not None else value


def _notes(value: Any) -> Any:
    return clean_notes(value)


class ListCreate(Payload):
    name: str
    destination: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    notes: str | None = None

    _v_name = field_validator('name')(_name)
    _v_destination = field_validator('destination')(lambda v: clean_name(v) if v else None)
    _v_notes = field_validator('notes')(_notes)

    @model_validator(mode='after')
    def _dates_in_order(self) -> 'ListCreate':
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError('end_date must not be before start_date')
        return self


class ListUpdate(ListCreate):
    name: str = None  # type: ignore[assignment]

    @field_validator('name')
    @classmethod
    def _name_not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError('must not be empty')
        return value


class NamedCreate(Payload):
    name: str
    position: float | None = None
    _v_name = field_validator('name')(_name)


class NamedUpdate(NamedCreate):
    name: str = None  # type: ignore[assignment]

    @field_validator('name')
    @classmethod
    def _name_not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError('must not be empty')
        return value


class ItemCreate(Payload):
    name: str
    quantity: int = PydanticField(default=1, ge=0, le=QUANTITY_MAX, strict=True)
    packed: bool = PydanticField(default=False, strict=True)
    notes: str | None = None
    weight_grams: int | None = PydanticField(default=None, ge=0, le=10_000_000, strict=True)
    category_id: str | None = None
    bag_id: str | None = None
    traveler_id: str | None = None
    position: float | None = None

    _v_name = field_validator('name')(_name)
    _v_notes = field_validator('notes')(_notes)


class ItemUpdate(ItemCreate):
    name: str = None  # type: ignore[assignment]

    @field_validator('name', 'quantity', 'packed')
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError('must not be null')
        return value


CREATE_PAYLOADS: dict[str, type[Payload]] = {
    'list': ListCreate, 'item': ItemCreate, 'category': NamedCreate, 'bag': NamedCreate, 'traveler': NamedCreate,
}
UPDATE_PAYLOADS: dict[str, type[Payload]] = {
    'list': ListUpdate, 'item': ItemUpdate, 'category': NamedUpdate, 'bag': NamedUpdate, 'traveler': NamedUpdate,
}

ROLE_VALUES = tuple(r.value for r in Role)
