"""What lives inside a packing list: categories, bags and travelers (three named look-alikes) and items.

Per entity: the table, the payloads a client may send (`XCreate` / `XUpdate`) and the answer (`XPublic`).
"""
from typing import Any, ClassVar

from pydantic import Field as PydanticField
from pydantic import field_validator
from sqlalchemy import Index
from sqlalchemy.orm import declared_attr
from sqlmodel import Field

from .common import NAME_MAX, NOTES_MAX, QUANTITY_MAX, clean_notes, new_id, whole_number
from .lists import (
    NAME_BOUNDS,
    NOTES_BOUNDS,
    Audited,
    AuditedPublic,
    ConflictPublic,
    ListCreate,
    ListMetaPublic,
    ListUpdate,
    Payload,
    PersonPublic,
    name_rule,
    not_empty,
)
from .roles import RoleName


class InList(Audited):
    """A row that belongs to one list, found by the list's index (`ix_<table>_list`)."""
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    list_id: str = Field(foreign_key='packing_list.id', ondelete='CASCADE', max_length=36)

    @declared_attr  # type: ignore[arg-type]
    def __table_args__(cls) -> tuple[Index, ...]:  # SQLAlchemy calls it on each table class
        return (Index(f'ix_{cls.__tablename__}_list', 'list_id'),)


class Named(InList):
    """Category, bag and traveler: a name and a place in the order, nothing else."""
    name: str = Field(max_length=NAME_MAX)
    position: float = Field(default=0.0)

    EDITABLE: ClassVar[tuple[str, ...]] = ('name', 'position')


class Category(Named, table=True):
    __tablename__ = 'category'


class Bag(Named, table=True):
    __tablename__ = 'bag'


class Traveler(Named, table=True):
    """Someone the list packs for; linked to a member (`user_id`), the items assigned to it are that member's."""
    __tablename__ = 'traveler'

    user_id: str | None = Field(default=None, foreign_key='app_user.id', ondelete='SET NULL', max_length=36)

    EDITABLE: ClassVar[tuple[str, ...]] = ('name', 'position', 'user_id')


class Item(InList, table=True):
    __tablename__ = 'item'

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


ENTITY_TABLES: dict[str, type[InList]] = {
    'item': Item, 'category': Category, 'bag': Bag, 'traveler': Traveler,
}


# --- payloads ---------------------------------------------------------------------------------------------------

class NamedCreate(Payload):
    name: str = PydanticField(json_schema_extra=NAME_BOUNDS)
    position: float | None = None
    _v_name = field_validator('name')(name_rule)


class NamedUpdate(NamedCreate):
    name: str = PydanticField(default=None, json_schema_extra=NAME_BOUNDS)  # type: ignore[assignment]

    _name_not_null = field_validator('name')(not_empty)


class TravelerCreate(NamedCreate):
    user_id: str | None = PydanticField(default=None, max_length=36, description='a member of the list, or null')


class TravelerUpdate(NamedUpdate):
    user_id: str | None = PydanticField(default=None, max_length=36, description='a member of the list, or null')


class ItemCreate(Payload):
    name: str = PydanticField(json_schema_extra=NAME_BOUNDS)
    quantity: int = PydanticField(default=1, ge=0, le=QUANTITY_MAX, strict=True)
    packed: bool = PydanticField(default=False, strict=True)
    notes: str | None = PydanticField(default=None, json_schema_extra=NOTES_BOUNDS)
    weight_grams: int | None = PydanticField(default=None, ge=0, le=10_000_000, strict=True)
    category_id: str | None = PydanticField(default=None, max_length=36)
    bag_id: str | None = PydanticField(default=None, max_length=36)
    traveler_id: str | None = PydanticField(default=None, max_length=36)
    position: float | None = None

    _v_name = field_validator('name')(name_rule)
    _v_notes = field_validator('notes')(clean_notes)
    _v_whole = field_validator('quantity', 'weight_grams', mode='before')(whole_number)


class ItemUpdate(ItemCreate):
    name: str = PydanticField(default=None, json_schema_extra=NAME_BOUNDS)  # type: ignore[assignment]

    @field_validator('name', 'quantity', 'packed')
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError('must not be null')
        return value


CREATE_PAYLOADS: dict[str, type[Payload]] = {
    'list': ListCreate, 'item': ItemCreate, 'category': NamedCreate, 'bag': NamedCreate, 'traveler': TravelerCreate,
}
UPDATE_PAYLOADS: dict[str, type[Payload]] = {
    'list': ListUpdate, 'item': ItemUpdate, 'category': NamedUpdate, 'bag': NamedUpdate, 'traveler': TravelerUpdate,
}


# --- answers ----------------------------------------------------------------------------------------------------

class NamedPublic(AuditedPublic):
    name: str
    position: float


CategoryPublic = BagPublic = NamedPublic


class TravelerPublic(NamedPublic):
    user_id: str | None = PydanticField(default=None, description='the member this traveler is, if linked')


class ItemPublic(AuditedPublic):
    name: str
    quantity: int
    packed: bool
    notes: str | None
    weight_grams: int | None
    category_id: str | None
    bag_id: str | None
    traveler_id: str | None
    position: float


class PackingListPublic(ListMetaPublic):
    """The full list: metadata, version, the caller's role, the owner and every live entity."""
    role: RoleName | None
    owner: PersonPublic | None
    categories: list[NamedPublic]
    bags: list[NamedPublic]
    travelers: list[TravelerPublic]
    items: list[ItemPublic]


class NamedChangePublic(NamedPublic):
    """A category, bag or traveler after a change, with the values that change overwrote."""
    conflicts: list[ConflictPublic]


class TravelerChangePublic(TravelerPublic):
    """A traveler after a change, with the values that change overwrote."""
    conflicts: list[ConflictPublic]


class ItemChangePublic(ItemPublic):
    """An item after a change, with the values that change overwrote."""
    conflicts: list[ConflictPublic]


class PackingListChangePublic(PackingListPublic):
    conflicts: list[ConflictPublic]
