"""Applying one op inside an open write transaction: validation, the conflict rule, versions, activity.

`OpApplier.apply` either returns the changes it made or raises `Rejected` (core/errors.py); the caller wraps each
op in a savepoint, so a rejected op leaves nothing behind and the rest of the batch goes on.

One applier serves one write transaction (a slice of a batch), which holds the list, so it keeps what every op
would otherwise ask the database for again: the live item count, the highest position per table, people's names,
which ids the ops name are not taken yet. Each op is flushed once, when it is done; lookups in between run without
autoflush (what they read was flushed by the ops before, and the op's own writes come after its checks).
"""
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, func, select

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
    utcnow,
    validation_sentence,
)
from models.lists import Payload
from travelpack_ui.core.errors import Rejected
from travelpack_ui.lists.activity import ActivityLog


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


def actor_of(user: User) -> dict[str, Any]:
    return {'id': user.id, 'display_name': user.display_name, 'initials': user.initials, 'color': user.color}


class OpApplier:
    """Applies ops to one list within one session; `changes` collects what to publish after commit."""

    def __init__(self, session: Session, plist: PackingList, user: User, *, items_max: int) -> None:
        self.session = session
        self.plist = plist
        self.user = user
        self.items_max = items_max
        self.actor = actor_of(user)
        self.changes: list[Change] = []
        self.activity = ActivityLog(session, plist, user, lookup=self._get)
        self._last_conflicts: list[dict[str, Any]] = []
        self._unflushed: list[tuple[Change, Activity]] = []  # changes whose new activity row has no id yet
        self._names: dict[str, str | None] = {user.id: user.display_name}
        self._live_count: int | None = None
        self._top: dict[type[Audited], float] = {}
        self._free: dict[type[Audited], set[str]] = {}
        self._held: dict[tuple[type[Audited], str], Audited] = {}

    def apply(self, op: Op) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        try:
            with self.session.no_autoflush:
                entity, conflicts = self._apply(op)
        except Rejected:
            self.activity.forget()
            self._unflushed.clear()
            raise
        self.session.flush()
        for change, row in self._unflushed:
            change.activity = self.activity.entry(row)
        self._unflushed.clear()
        return entity, conflicts

    def preload(self, ops: list[Op]) -> None:
        """Read the entities these ops name in one query per table, so each op finds them in the session; remember
        the ids that are free, so a create need not ask."""
        wanted: dict[type[Audited], set[str]] = {}
        for op in ops:
            kind = op.type.split('.')[0]
            if kind != 'list' and op.id:
                wanted.setdefault(ENTITY_TABLES[kind], set()).add(op.id)
        for table, ids in wanted.items():
            found = self.session.exec(select(table).where(col(table.id).in_(ids))).all()  # type: ignore[attr-defined]
            self._held.update(((table, entity.id), entity) for entity in found)  # type: ignore[attr-defined]
            self._free[table] = ids - {entity.id for entity in found}  # type: ignore[attr-defined]

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
        entity = table(id=entity_id, list_id=self.plist.id, created_by=self.user.id, **fields)
        self.session.add(entity)
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
        self._stamp(entity, [])
        self._record(op, kind, entity, before={}, after={})
        self._count_items(kind, -1)
        return entity.public()

    def _restore(self, entity: Audited, op: Op, kind: str) -> dict[str, Any]:
        if entity.deleted_at is None:
            return entity.public()
        self._check_room_for_an_item(kind)
        if isinstance(entity, Item):
            for name in ('category_id', 'bag_id', 'traveler_id'):
                target = getattr(entity, name)
                if target and self._live(ENTITY_TABLES[name.removesuffix('_id')], target) is None:
                    setattr(entity, name, None)  # its category, bag or traveler went meanwhile
        entity.deleted_at = None
        entity.deleted_by = None
        self._stamp(entity, [])
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
        """`session.get`, keeping the row referenced: the session holds unchanged rows weakly, and a row nobody
        holds would be read again by the next op that needs it."""
        entity = self.session.get(table, entity_id)
        if entity is not None:
            self._held[(table, entity_id)] = entity
        return entity

    def _live_items(self) -> int:
        if self._live_count is None:
            query = select(func.count()).select_from(Item).where(Item.list_id == self.plist.id,
                                                                 Item.deleted_at.is_(None))  # type: ignore[union-attr]
            self._live_count = self.session.exec(query).one()
        return self._live_count

    def _count_items(self, kind: str, step: int) -> None:
        if kind == 'item' and self._live_count is not None:
            self._live_count += step

    def _next_position(self, table: type[Audited]) -> float:
        if table not in self._top:
            query = select(func.max(table.position)).where(table.list_id == self.plist.id)  # type: ignore
            self._top[table] = float(self.session.exec(query).one() or 0)
        return self._top[table] + 1.0

    def _unlink_items(self, column: str, target_id: str, op_id: str) -> None:
        """Deleting a category, bag or traveler never deletes items: they become uncategorised or unassigned."""
        query = select(Item).where(Item.list_id == self.plist.id, getattr(Item, column) == target_id)
        for item in self.session.exec(query).all():
            setattr(item, column, None)
            self._stamp(item, [column])
            self.changes.append(Change(self.plist.id, self.plist.version, 'item.update', item.public(), self.actor,
                                       op_id=op_id))

    def _stamp(self, entity: Audited, fields: list[str], *, created: bool = False) -> None:
        """Bump the list version and mark the entity (and each changed field) with it."""
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
        self.session.add(entity)
        if entity is not self.plist:
            self.session.add(self.plist)

    def _record(self, op: Op, kind: str, entity: Audited, *, before: dict[str, Any], after: dict[str, Any],
                conflicts: list[dict[str, Any]] | None = None) -> None:
        row, entry = self.activity.record(op.type, entity, before=before, after=after)
        change = Change(self.plist.id, self.plist.version, op.type, entity.public(), self.actor, conflicts or None,
                        op.op_id, entry)
        self.changes.append(change)
        if entry is None:
            self._unflushed.append((change, row))

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

