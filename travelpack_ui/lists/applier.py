"""Applying one op inside an open write transaction: validation, the conflict rule, versions, activity.

`OpApplier.apply` either returns the changes it made or raises `Rejected` (core/errors.py). Every check comes
before the first write, so a rejected op has written nothing and needs no savepoint: the rest of the batch goes on.
(A write before a `Rejected` would be a bug; `apply` refuses it loudly rather than commit half an op.)

One applier serves one write transaction (a slice of a batch), which holds the list, so it keeps what every op
would otherwise ask the database for again: the live item count, the highest position per table, people's names,
which ids the ops name are not taken yet, and the rows themselves. Those rows live outside the session (read as
plain columns and built `detached`, as are new ones): each op writes what it changed with Core statements built
once below (INSERT or a whole-row UPDATE per entity, one version UPDATE of the list), never through the ORM's unit
of work, whose flush bookkeeping cost several times the statements themselves.
"""
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Insert, Update, bindparam, insert, update
from sqlmodel import Session, func, select

from models import (
    CREATE_PAYLOADS,
    ENTITY_TABLES,
    UPDATE_PAYLOADS,
    Activity,
    Audited,
    Item,
    ListMember,
    Op,
    PackingList,
    User,
    find_conflicts,
    iso,
    table_of,
    utcnow,
    validation_sentence,
)
from models.common import detached
from models.lists import Payload
from travelpack_ui.core.errors import Rejected
from travelpack_ui.lists.activity import UNKNOWN, ActivityLog


@dataclass
class Change:
    """One committed change inside a list, as every tab and API socket receives it."""
    list_id: str
    version: int
    op: str
    entity: dict[str, Any]
    actor: dict[str, Any]
    conflicts: list[dict[str, Any]] | None = None
    op_id: str | None = None
    activity: dict[str, Any] | None = field(default=None, repr=False)
    batch: str = ''
    """The same for every change of one `OpService.apply` call, whatever number of transactions it took."""

    def wire(self) -> dict[str, Any]:
        data = {'type': 'change', 'version': self.version, 'actor': self.actor, 'op': self.op, 'entity': self.entity}
        if self.conflicts:
            data['conflicts'] = self.conflicts
        if self.op_id:
            data['op_id'] = self.op_id
        return data


def _row_statements(table: type[Audited]) -> tuple[Insert, Update, tuple[str, ...]]:
    """INSERT of a whole row (with the column names it takes), UPDATE of the row `_id` (setting the columns that
    its parameters name: SQLAlchemy compiles and caches one statement per set of names)."""
    columns = table.__table__.c  # type: ignore[attr-defined]
    return (insert(table.__table__), update(table.__table__).where(columns.id == bindparam('_id')),  # type: ignore
            tuple(column.key for column in columns))


def _reads(table: type[Audited]) -> tuple[Any, Any]:
    """The rows of these ids (`ids`), and the highest position in the list (`list_id`)."""
    columns = table_of(table).c
    return (select(*columns).where(columns.id.in_(bindparam('ids', expanding=True))),
            select(func.max(table.position)).where(table.list_id == bindparam('list_id')))  # type: ignore


_TABLES: tuple[type[Audited], ...] = (*ENTITY_TABLES.values(), PackingList)
ROWS = {table: _row_statements(table) for table in _TABLES}
READS: dict[type[Audited], tuple[Any, Any]] = {table: _reads(table) for table in ENTITY_TABLES.values()}
LIVE_ITEMS = select(func.count()).select_from(Item).where(
    Item.list_id == bindparam('list_id'), Item.deleted_at.is_(None))  # type: ignore[union-attr]
_lists = PackingList.__table__.c  # type: ignore[attr-defined]
STAMPED = ('version', 'updated_by', 'updated_at', 'field_versions')
"""What `_stamp` sets on every row an op changes (besides the fields it names)."""


def actor_of(user: User) -> dict[str, Any]:
    return {'id': user.id, 'display_name': user.display_name, 'initials': user.initials, 'color': user.color}


class OpApplier:
    """Applies ops to one list within one session; `changes` collects what to publish after commit."""

    def __init__(self, session: Session, plist: PackingList, user: User, *, items_max: int,
                 newest: Activity | object | None = UNKNOWN, live_items: int | None = None,
                 top_item: float | None = None) -> None:
        """`newest` (the list's newest activity row), `live_items` and `top_item` (the highest item position), when
        the caller read them already."""
        self.session = session
        self.connection: Connection = session.connection()
        self.plist = plist
        self.user = user
        self.items_max = items_max
        self.actor = actor_of(user)
        self.changes: list[Change] = []
        self.activity = ActivityLog(self.connection, plist, user, newest=newest)
        self._last_conflicts: list[dict[str, Any]] = []
        self._touched: dict[int, tuple[Audited, set[str]]] = {}  # what this op changed (by id()), and which columns
        self._new: set[int] = set()  # ... of which these are new rows
        self._bumped = False  # ... and whether it bumped the list's version
        self._names: dict[str, str | None] = {user.id: user.display_name}
        self._live_count = live_items
        self._top: dict[type[Audited], float] = {} if live_items is None else {Item: float(top_item or 0)}
        self._free: dict[type[Audited], set[str]] = {}
        self._held: dict[tuple[type[Audited], str], Audited] = {}

    def apply(self, op: Op) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        writes = self.activity.writes
        try:
            entity, conflicts = self._apply(op)
        except Rejected:
            if self.activity.writes != writes or self._bumped:
                raise RuntimeError(f'{op.type} was rejected after it wrote: it would be half applied') from None
            raise
        self._write()
        return entity, conflicts

    def preload(self, ops: list[Op]) -> None:
        """Read the entities these ops name (and this applier does not know yet) in one query per table, so each op
        finds them here; remember the ids that are free, so a create need not ask."""
        for table, ids in self.wanted(ops).items():
            free = self._free.get(table, set())
            ids = {entity_id for entity_id in ids if (table, entity_id) not in self._held and entity_id not in free}
            if ids:
                self.adopt(table, ids, self._read(table, ids))

    def adopt(self, table: type[Audited], ids: set[str], found: list[Audited]) -> None:
        """Take the rows of `table` read for `ids`: the ids not found are free."""
        for entity in found:
            self._hold(table, entity)
        self._free.setdefault(table, set()).update(ids - {entity.id for entity in found})  # type: ignore

    @staticmethod
    def wanted(ops: list[Op]) -> dict[type[Audited], set[str]]:
        """The ids of the entities these ops name, per table."""
        wanted: dict[type[Audited], set[str]] = {}
        for op in ops:
            kind = op.type.split('.')[0]
            if kind != 'list' and op.id:
                wanted.setdefault(ENTITY_TABLES[kind], set()).add(op.id)
        return wanted

    def _apply(self, op: Op) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        kind, verb = op.type.split('.')
        if kind == 'list':
            return self._update(self.plist, op, kind), self._last_conflicts
        if verb == 'create':
            return self._create(op, kind), []
        entity = self._find(kind, op.id)
        if verb == 'update':
            return self._update(entity, op, kind), self._last_conflicts
        if verb == 'delete':
            return self._delete(entity, op, kind), []
        return self._restore(entity, op, kind), []

    # --- verbs ---------------------------------------------------------------------------------------------------

    def _create(self, op: Op, kind: str) -> dict[str, Any]:
        fields = self._validated(CREATE_PAYLOADS[kind], op.fields or {}, create=True)
        table = ENTITY_TABLES[kind]
        entity_id = op.id or str(uuid.uuid4())
        try:
            entity_id = str(uuid.UUID(entity_id))
        except ValueError:
            raise Rejected('invalid', 'id: must be a UUID') from None
        if entity_id not in self._free.get(table, ()) and self._get(table, entity_id) is not None:
            raise Rejected('id_in_use', f'The id {entity_id} is already in use.')
        self._check_room_for_an_item(kind)
        self._check_references(fields)
        placed = fields.get('position') is not None
        if not placed:
            fields['position'] = self._next_position(table)
        entity = detached(table, {'id': entity_id, 'list_id': self.plist.id, 'created_by': self.user.id, **fields},
                          defaults=True)
        self._held[(table, entity_id)] = entity
        self._new.add(id(entity))
        self._stamp(entity, list(table.EDITABLE), created=True)
        self._record(op, kind, entity, before={}, after=self._values(entity, table.EDITABLE))
        self._free.get(table, set()).discard(entity_id)
        if placed:
            self._top.pop(table, None)  # a position given may be below the highest: ask again
        else:
            self._top[table] = fields['position']
        self._count_items(kind, +1)
        return entity.public()

    def _update(self, entity: Audited, op: Op, kind: str) -> dict[str, Any]:
        self._last_conflicts = []
        if entity.deleted_at is not None:
            raise self._deleted(entity, kind)
        fields = self._validated(UPDATE_PAYLOADS[kind], op.fields or {}, create=False)
        self._check_references(fields)
        if kind == 'list' and {'start_date', 'end_date'} & fields.keys():
            start = fields.get('start_date', entity.start_date)  # type: ignore[attr-defined]
            end = fields.get('end_date', entity.end_date)  # type: ignore[attr-defined]
            if start and end and end < start:
                raise Rejected('invalid', 'end_date: must not be before start_date')
        current = self._values(entity, fields.keys())
        changed = {name: value for name, value in fields.items() if current[name] != value}
        conflicts = find_conflicts(current=current, field_versions=entity.field_versions, changes=fields,
                                   base_version=op.base_version, user_id=self.user.id)
        self._last_conflicts = [self._conflict_public(c) for c in conflicts]
        if not changed:
            return entity.public()
        for name, value in changed.items():
            setattr(entity, name, value)
        if 'position' in changed:
            self._top.pop(type(entity), None)
        self._stamp(entity, list(changed))
        self._record(op, kind, entity, before={k: current[k] for k in changed}, after=dict(changed),
                     conflicts=self._last_conflicts)
        return entity.public()

    def _delete(self, entity: Audited, op: Op, kind: str) -> dict[str, Any]:
        if entity.deleted_at is not None:
            return entity.public()
        if kind in ('category', 'bag', 'traveler'):
            self._unlink_items(f'{kind}_id', entity.id, op.op_id)  # type: ignore[attr-defined]
        entity.deleted_at = utcnow()
        entity.deleted_by = self.user.id
        self._stamp(entity, [], also=('deleted_at', 'deleted_by'))
        self._record(op, kind, entity, before={}, after={})
        self._count_items(kind, -1)
        return entity.public()

    def _restore(self, entity: Audited, op: Op, kind: str) -> dict[str, Any]:
        if entity.deleted_at is None:
            return entity.public()
        self._check_room_for_an_item(kind)
        cleared = []
        if isinstance(entity, Item):
            for name in ('category_id', 'bag_id', 'traveler_id'):
                target = getattr(entity, name)
                if target and self._live(ENTITY_TABLES[name.removesuffix('_id')], target) is None:
                    setattr(entity, name, None)  # its category, bag or traveler went meanwhile
                    cleared.append(name)
        entity.deleted_at = None
        entity.deleted_by = None
        self._stamp(entity, [], also=('deleted_at', 'deleted_by', *cleared))
        self._record(op, kind, entity, before={}, after={})
        self._count_items(kind, +1)
        return entity.public()

    # --- helpers -------------------------------------------------------------------------------------------------

    def _find(self, kind: str, entity_id: str | None) -> Audited:
        entity = self._get(ENTITY_TABLES[kind], entity_id) if entity_id else None
        if entity is None or entity.list_id != self.plist.id:  # type: ignore[attr-defined]
            raise Rejected('not_found', f'No {kind} with id {entity_id} in this list.')
        return entity

    def _deleted(self, entity: Audited, kind: str) -> Rejected:
        by = self._name(entity.deleted_by) if entity.deleted_by else None
        who = 'You' if entity.deleted_by == self.user.id else (by if by is not None else 'Someone')
        name = getattr(entity, 'name', kind)
        return Rejected('deleted', f'{who} removed {name}.')

    def _validated(self, payload: type[Payload], raw: dict[str, Any], *, create: bool) -> dict[str, Any]:
        try:
            fields = payload.fields_set_in(raw)
        except ValidationError as error:
            raise Rejected('invalid', validation_sentence(error)) from None
        if not create and not fields:
            raise Rejected('invalid', 'fields: give at least one field to change')
        return fields

    def _check_room_for_an_item(self, kind: str) -> None:
        """Creating or restoring an item needs the list below its limit (2,000 by the contract; a setting)."""
        if kind == 'item' and self._live_items() >= self.items_max:
            raise Rejected('list_full', f'This list already has {self.items_max} items, the most a list can hold.')

    def _check_references(self, fields: dict[str, Any]) -> None:
        person = fields.get('user_id')
        if person is not None and self.session.get(ListMember, (self.plist.id, person)) is None:
            raise Rejected('invalid', 'user_id: a traveler can only be linked to a member of this list')
        for name in ('category_id', 'bag_id', 'traveler_id'):
            target = fields.get(name)
            if target is not None and self._live(ENTITY_TABLES[name.removesuffix('_id')], target) is None:
                raise Rejected('invalid', f'{name}: no such {name.removesuffix("_id")} in this list')

    def _live(self, table: type[Audited], entity_id: str) -> Audited | None:
        entity = self._get(table, entity_id)
        if entity is None or entity.list_id != self.plist.id or entity.deleted_at is not None:  # type: ignore
            return None
        return entity

    def _get(self, table: type[Audited], entity_id: str) -> Audited | None:
        """A row of this transaction: read once, then held here (outside the session) with this transaction's
        changes on it."""
        entity = self._held.get((table, entity_id))
        if entity is None and entity_id not in self._free.get(table, ()):
            self.adopt(table, {entity_id}, self._read(table, {entity_id}))
            entity = self._held.get((table, entity_id))
        return entity

    def _read(self, table: type[Audited], ids: set[str]) -> list[Audited]:
        """The rows of these ids, built `detached`: this applier writes them itself."""
        found = self.connection.execute(READS[table][0], {'ids': list(ids)}).mappings()
        return [detached(table, dict(values)) for values in found]

    def _hold(self, table: type[Audited], entity: Audited) -> Audited:
        """Take a row read in this transaction (out of the session, if it came through it): this applier writes it
        itself (see `_write`)."""
        held = self._held.setdefault((table, entity.id), entity)  # type: ignore[attr-defined]
        if entity in self.session:
            self.session.expunge(entity)
        return held

    def _live_items(self) -> int:
        if self._live_count is None:
            self._live_count = self.connection.execute(LIVE_ITEMS, {'list_id': self.plist.id}).scalar_one()
        return self._live_count

    def _count_items(self, kind: str, step: int) -> None:
        if kind == 'item' and self._live_count is not None:
            self._live_count += step

    def _next_position(self, table: type[Audited]) -> float:
        if table not in self._top:
            self._top[table] = float(self.connection.execute(READS[table][1], {'list_id': self.plist.id}).scalar() or 0)
        return self._top[table] + 1.0

    def _unlink_items(self, column: str, target_id: str, op_id: str) -> None:
        """Deleting a category, bag or traveler never deletes items: they become uncategorised or unassigned."""
        query = select(Item).where(Item.list_id == self.plist.id, getattr(Item, column) == target_id)
        for item in [self._hold(Item, found) for found in self.session.exec(query).all()]:
            setattr(item, column, None)
            self._stamp(item, [column])
            self.changes.append(Change(self.plist.id, self.plist.version, 'item.update', item.public(), self.actor,
                                       op_id=op_id))

    def _stamp(self, entity: Audited, fields: list[str], *, created: bool = False, also: tuple[str, ...] = ()) -> None:
        """Bump the list version and mark the entity (and each changed field) with it; `_write` writes those fields,
        the stamp and the columns named in `also`."""
        now = utcnow()
        self.plist.version += 1
        self.plist.updated_at = now
        self.plist.updated_by = self.user.id
        entity.version = self.plist.version
        entity.updated_by = self.user.id
        entity.updated_at = now
        if created:
            entity.created_at = now
        stamps = dict(entity.field_versions or {})
        for name in fields:
            stamps[name] = [self.plist.version, self.user.id, iso(now)]
        entity.field_versions = stamps
        self._bumped = True
        self._touched.setdefault(id(entity), (entity, set()))[1].update(fields, also)

    def _write(self) -> None:
        """Write what this op changed: its rows, then the list's version (one bump per op, whatever it touched)."""
        if not self._bumped:
            return
        self._touched.setdefault(id(self.plist), (self.plist, set()))  # last: one UPDATE of the list per op
        for key, (entity, names) in self._touched.items():
            create, change, every = ROWS[type(entity)]
            if key in self._new:
                self.connection.execute(create, {name: getattr(entity, name) for name in every})
            elif entity is self.plist and not names:  # a change inside the list: its version, not field_versions
                self.connection.execute(change, {'_id': entity.id, 'version': entity.version,
                                                 'updated_at': entity.updated_at, 'updated_by': entity.updated_by})
            else:
                self.connection.execute(change, {'_id': entity.id,  # type: ignore[attr-defined]
                                                 **{name: getattr(entity, name) for name in (*STAMPED, *names)}})
        self._touched.clear()
        self._new.clear()
        self._bumped = False

    def _record(self, op: Op, kind: str, entity: Audited, *, before: dict[str, Any], after: dict[str, Any],
                conflicts: list[dict[str, Any]] | None = None) -> None:
        entry = self.activity.record(op.type, entity, before=before, after=after, lookup=self._get)
        self.changes.append(Change(self.plist.id, self.plist.version, op.type, entity.public(), self.actor,
                                   conflicts or None, op.op_id, entry))

    def _conflict_public(self, conflict: dict[str, Any]) -> dict[str, Any]:
        by = self._name(conflict['by'])
        value = conflict['value']
        return {'field': conflict['field'], 'value': value.isoformat() if hasattr(value, 'isoformat') else value,
                'by': {'id': conflict['by'], 'display_name': by if by is not None else 'Someone'},
                'at': conflict['at']}

    def _name(self, user_id: str) -> str | None:
        """A person's display name (None: no such account), read once per transaction."""
        if user_id not in self._names:
            person = self.session.get(User, user_id)
            self._names[user_id] = person.display_name if person else None
        return self._names[user_id]

    @staticmethod
    def _values(entity: Audited, names: Any) -> dict[str, Any]:
        return {name: getattr(entity, name) for name in names}

