"""Activity rows for the feed, written inside the op's transaction: who changed what, before and after.

A burst of one person's updates to one item (typing a name, stepping a quantity) would flood the feed, so an
update within `COLLAPSE_SECONDS` of that person's last update to the same item, if nothing else happened in the
list meanwhile, merges into that row instead of adding one. The merged row keeps only the fields whose value
really changed, so its sentence names them all ("Ana set Sunscreen to 3 and moved it to Clothes"); a burst that put
everything back (pack, then unpack) changed nothing, and its row is deleted: the entry pushed then says `removed`,
and open feeds drop the line.
"""
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from models import ENTITY_TABLES, Activity, Audited, Item, PackingList, User, activity_entry, table_of, utcnow
from models.common import aware, detached
from models.describe import changed_fields

COLLAPSE_SECONDS = 60
_rows = table_of(Activity).c
ADD = insert(table_of(Activity))
MERGE = update(table_of(Activity)).where(_rows.id == bindparam('_id'))
REMOVE = delete(table_of(Activity)).where(_rows.id == bindparam('_id'))
NEWEST = select(*_rows).where(_rows.list_id == bindparam('list_id')).order_by(_rows.id.desc()).limit(1)
UNKNOWN = object()
"""`ActivityLog.last` when the list's newest row must be read from the database."""


class ActivityLog:
    """The activity rows of one list within one write transaction (one slice of a batch).

    Only the op path writes activity rows of an existing list, and it holds the list (the writer's lock; on
    PostgreSQL the list row, locked for update), so the newest row is the one this log wrote last: it is read from
    the database once per transaction, not once per op. Rows are written at once with Core statements, and the row
    objects are built `detached`, outside any session; `writes` counts them, so the caller can tell whether an op
    wrote any.
    """

    def __init__(self, connection: Connection, plist: PackingList, user: User, *,
                 newest: Activity | object | None = UNKNOWN) -> None:
        self.connection = connection
        self.plist = plist
        self.user = user
        self.last = newest  # the list's newest row (outside the session), None: it has none, UNKNOWN: not read yet
        self.writes = 0

    def record(self, op_type: str, entity: Audited, *, before: dict[str, Any], after: dict[str, Any],
               lookup: Callable[[type[Audited], str], Audited | None]) -> dict[str, Any]:
        """Add (or collapse into the last) activity row; its feed entry to push (marked `collapsed` if it merged
        and `removed` if the merge left nothing changed: the row is gone). `lookup` finds the rows the entry names
        (its category, bag, traveler): the applier's, passed per call, because a log that kept the applier's bound
        method would make a reference cycle of every transaction, left for the garbage collector
        (tests/api/test_op_garbage.py)."""
        context = _context(lookup, entity, after)
        before, after = _jsonable(before), _jsonable(after)
        last = self._last()
        now = utcnow()
        if (op_type.endswith('.update') and last is not None and last.op == op_type
                and last.actor_id == self.user.id and last.entity_id == entity.id  # type: ignore[attr-defined]
                and (now - aware(last.at)).total_seconds() < COLLAPSE_SECONDS):
            merged_before = {**before, **last.before}  # the value before the burst began
            merged_after = {**last.after, **after}
            kept = changed_fields(merged_before, merged_after)
            if not kept:
                entry = {**activity_entry(last, self.user), 'collapsed': True, 'removed': True}
                self._write(REMOVE, {'_id': last.id})
                self.last = UNKNOWN  # the row before it: read again
                return entry
            last.before = {name: merged_before.get(name) for name in kept}
            last.after = {name: merged_after[name] for name in kept}
            last.at = now
            last.context = {**last.context, **context}
            last.list_version = self.plist.version
            self._write(MERGE, {'_id': last.id, 'before': last.before, 'after': last.after, 'at': now,
                                'context': last.context, 'list_version': last.list_version})
            return {**activity_entry(last, self.user), 'collapsed': True}
        row = {'list_id': self.plist.id, 'actor_id': self.user.id, 'at': now, 'op': op_type,
               'entity_id': entity.id, 'entity_name': getattr(entity, 'name', '') or '',  # type: ignore
               'before': before, 'after': after, 'context': context, 'list_version': self.plist.version}
        row['id'] = self._write(ADD, row).inserted_primary_key[0]
        activity = self.last = detached(Activity, row)
        return {**activity_entry(activity, self.user), 'collapsed': False}

    def _write(self, statement: Any, values: dict[str, Any]) -> Any:
        self.writes += 1
        return self.connection.execute(statement, values)

    def _last(self) -> Activity | None:
        if self.last is UNKNOWN:
            row = self.connection.execute(NEWEST, {'list_id': self.plist.id}).first()
            self.last = None if row is None else detached(Activity, dict(row._mapping))
        return self.last  # type: ignore[return-value]


def _context(lookup: Callable[[type[Audited], str], Audited | None], entity: Audited, after: dict[str, Any]
             ) -> dict[str, Any]:
    """Names an activity sentence needs, as they were at the time."""
    context: dict[str, Any] = {}
    if isinstance(entity, Item):
        context['quantity'] = entity.quantity
        for name in ('category_id', 'bag_id', 'traveler_id'):
            target = getattr(entity, name)
            if (target and name in after) or (name == 'category_id' and target):
                found = lookup(ENTITY_TABLES[name.removesuffix('_id')], target)
                if found is not None:
                    context[name.removesuffix('_id')] = found.name  # type: ignore[attr-defined]
    return context


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, 'isoformat') else v for k, v in values.items()}
