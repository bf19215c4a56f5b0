"""Ops: the one shape every change takes, what is remembered of it, and the conflict rule."""
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic import Field as PydanticField
from sqlalchemy import JSON, DateTime, Index
from sqlmodel import Field, SQLModel

from .common import utcnow
from .validation import unicode_only, validation_sentence

ENTITY_KINDS = ('item', 'category', 'bag', 'traveler')
VERBS = ('create', 'update', 'delete', 'restore')
OP_TYPES = ('list.update', *(f'{kind}.{verb}' for kind in ENTITY_KINDS for verb in VERBS))
OpType = Literal[
    'list.update',
    'item.create', 'item.update', 'item.delete', 'item.restore',
    'category.create', 'category.update', 'category.delete', 'category.restore',
    'bag.create', 'bag.update', 'bag.delete', 'bag.restore',
    'traveler.create', 'traveler.update', 'traveler.delete', 'traveler.restore',
]
Status = Literal['applied', 'duplicate', 'conflict', 'rejected']


class Op(BaseModel):
    """One change, as a client sends it (REST, WebSocket, a tab, an offline replay)."""
    model_config = ConfigDict(extra='forbid')

    op_id: str = PydanticField(min_length=1, max_length=100)
    type: OpType
    id: str | None = PydanticField(default=None, max_length=36)
    fields: dict[str, Any] | None = None
    base_version: int | None = PydanticField(default=None, ge=0)

    # `fields` is checked by the entity's payload rules when the op is applied: a bad field rejects this op only
    _unicode = field_validator('op_id', 'id', mode='before')(unicode_only)


class OpsRequest(BaseModel):
    model_config = ConfigDict(extra='forbid')

    ops: list[Op] = PydanticField(max_length=500)


class OpResult(BaseModel):
    op_id: str
    status: Status
    entity: dict[str, Any] | None = None
    conflicts: list[dict[str, Any]] | None = None
    code: str | None = None
    detail: str | None = None

    @classmethod
    def rejected(cls, op_id: str, code: str, detail: str) -> 'OpResult':
        """The answer to an op that was not applied, with the reason in words."""
        return cls(op_id=op_id, status='rejected', code=code, detail=detail)

    def wire(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class OpRecord(SQLModel, table=True):
    """An applied op id with its result: a replay answers `duplicate` and changes nothing."""
    __tablename__ = 'op_record'

    user_id: str = Field(primary_key=True, max_length=36)
    op_id: str = Field(primary_key=True, max_length=100)
    list_id: str = Field(max_length=36, index=True)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Activity(SQLModel, table=True):
    """Who changed what, with the values before and after, so it can be described, undone and reverted."""
    __tablename__ = 'activity'
    __table_args__ = (Index('ix_activity_list_id', 'list_id', 'id'),
                      Index('ix_activity_list_at', 'list_id', 'at'))  # digests: changes since someone looked

    id: int | None = Field(default=None, primary_key=True)
    list_id: str = Field(foreign_key='packing_list.id', ondelete='CASCADE', max_length=36)
    actor_id: str = Field(max_length=36)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    op: str = Field(max_length=30)
    entity_id: str = Field(max_length=36)
    entity_name: str = Field(default='', max_length=200)
    before: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    after: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    context: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    list_version: int = 0


def parse_ops(raw: list[Any]) -> tuple[list[Op], list[dict[str, Any]]]:
    """The valid ops of a batch a client sent, and a `rejected` answer (with its sentence) for each invalid one."""
    ops: list[Op] = []
    refused: list[dict[str, Any]] = []
    for item in raw:
        try:
            ops.append(Op.model_validate(item))
        except ValidationError as error:
            op_id = item.get('op_id') if isinstance(item, dict) else None
            refused.append(OpResult.rejected(str(op_id or '?'), 'invalid', validation_sentence(error)).wire())
    return ops, refused


def find_conflicts(*, current: dict[str, Any], field_versions: dict[str, Any], changes: dict[str, Any],
                   base_version: int | None, user_id: str) -> list[dict[str, Any]]:
    """The conflict rule of API.md: the fields this change sets that someone else changed after `base_version`.

    The change still wins (last writer wins per field); each returned entry is a value it overwrote:
    `{"field", "value", "by": <user id>, "at"}`. Setting the value someone else already set is no conflict.
    """
    if base_version is None:
        return []
    conflicts = []
    for name, value in changes.items():
        stamp = field_versions.get(name)
        if not stamp:
            continue
        version, by, at = stamp
        if version > base_version and by != user_id and current.get(name) != value:
            conflicts.append({'field': name, 'value': current.get(name), 'by': by, 'at': at})
    return conflicts


# --- answers ----------------------------------------------------------------------------------------------------

class OpsPublic(BaseModel):
    """One result per op, in the order sent, and the list version after them all."""
    results: list[OpResult]
    version: int


class ActorPublic(BaseModel):
    id: str
    display_name: str
    initials: str
    color: str


class ActivityPublic(BaseModel):
    """One entry of a list's feed, newest first; `id` is the cursor for `before`."""
    id: str
    at: str | None = PydanticField(description='ISO 8601 UTC')
    action: str
    actor: ActorPublic
    entity_id: str
    summary: str
    list_version: int
    before: dict[str, Any]
    after: dict[str, Any]
