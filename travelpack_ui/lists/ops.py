"""The one path every change takes: authorize, apply, persist, publish.

A click in a tab, a REST call, a WebSocket message and a replayed offline op all end in `OpService.apply`.
Writes go through the one `Writer` (core/writer.py) inside one transaction per slice of a batch, are logged in
the same transaction (lists/changelog.py, for rooms of other processes) and announced on `changed` after commit.
An op checks everything before it writes (lists/applier.py), so a rejected op needs no savepoint to undo it.

Group commit: a short request (a click) made while another short request on the same list waits for the writer
or is being written joins that one's transaction instead of queueing for one of its own, so two clicks made within
a write of each other share one BEGIN, lock and commit, and go out to the tabs in one push.

This runs on the writer thread and holds the GIL while other tabs wait for their updates: it reads with one query
per purpose and writes with Core statements built once here and in the applier, not through the ORM's flush.
"""
import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from nicegui import Event
from sqlalchemy import Connection, Row, Table, bindparam, func, insert, select
from sqlmodel import Session, SQLModel, col

from models import (
    ENTITY_TABLES,
    ITEMS_PER_LIST_MAX,
    Action,
    Activity,
    Audited,
    Category,
    InList,
    Item,
    ListMember,
    Op,
    OpRecord,
    OpResult,
    PackingList,
    User,
    can,
    new_id,
    table_of,
    utcnow,
)
from models.common import detached
from travelpack_ui.core.db import Database
from travelpack_ui.core.errors import DomainError, Forbidden, NotFound, Rejected
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.applier import Change, OpApplier
from travelpack_ui.lists.changelog import log_changes

log = logging.getLogger(__name__)
SLICE_S = 0.02
"""How long one write transaction takes ops for while no other write waits; one that does (another tab's click)
ends the slice after the op being applied, so it waits behind one op of a long batch, not behind a slice."""
AHEAD = 16
"""Ops whose earlier answers (op records) and entities are read in one query each, ahead of applying them."""
JOIN_MAX = AHEAD
"""A request of at most this many ops may share another's transaction (group commit); a longer one (a replayed
outbox) is written in slices of its own."""

_records = table_of(OpRecord).c
_members = table_of(ListMember).c
_newest = select(func.max(Activity.id)).where(col(Activity.list_id) == bindparam('list_id')).scalar_subquery()
_live_items = select(func.count()).select_from(Item).where(
    col(Item.list_id) == bindparam('list_id'), col(Item.deleted_at).is_(None)).scalar_subquery()
_top_item = select(func.max(Item.position)).where(col(Item.list_id) == bindparam('list_id')).scalar_subquery()


@dataclass(frozen=True)
class Access:
    """The access query of one shape of batch, and where each part of it sits in its rows."""
    query: Any
    rows: dict[str, tuple[type[SQLModel], slice, tuple[str, ...]]]
    """Whole rows (the list, the user, ...): their model, their columns' place and keys."""
    values: dict[str, int]
    """Single values (the role, the earlier answer, ...): their place."""

    def row(self, found: Row[Any], name: str) -> Any:
        """The row `name` of a result row, built `detached` (the applier writes it with Core statements), or None
        when its outer join found nothing."""
        model, where, keys = self.rows[name]
        values = dict(zip(keys, found[where], strict=True))
        return None if values['id'] is None else detached(model, values)


def _access(table: type[InList] | None, adding: bool, single: bool) -> Access:
    """In one query, once the list is held (`LOCK`): the list, the user's role on it, the user, and what the
    applier would otherwise ask for one by one: the list's newest activity row (what an update may collapse into);
    the rows of `table` the first ops name (`ids`: a row per entity found), for items
    with their category (whose name their activity row keeps); for a single op, the answer it was already given;
    when they add items, the live item count and the highest item position (each reads the list's items: only
    when needed). Plain columns, not ORM entities: building rows out of them is most of the ORM's cost here.
    """
    columns: list[Any] = []
    rows: dict[str, tuple[type[SQLModel], slice, tuple[str, ...]]] = {}
    values: dict[str, int] = {}

    def take(name: str, model: type[SQLModel]) -> Table:
        found = table_of(model)
        rows[name] = (model, slice(len(columns), len(columns) + len(found.c)), tuple(found.c.keys()))
        columns.extend(found.c)
        return found

    def value(name: str, column: Any) -> None:
        values[name] = len(columns)
        columns.append(column)

    lists = take('list', PackingList)
    value('role', _members.role)
    users = take('user', User)
    activity = take('newest', Activity)
    joined: Any = (lists.join(table_of(ListMember), (_members.list_id == lists.c.id)
                              & (_members.user_id == bindparam('user_id')))
                   .join(users, users.c.id == _members.user_id)
                   .outerjoin(activity, activity.c.id == _newest))
    if table is not None:
        entities = take('entity', table)
        joined = joined.outerjoin(entities, entities.c.id.in_(bindparam('ids', expanding=True)))
        if table is Item:
            categories = take('category', Category)
            joined = joined.outerjoin(categories, categories.c.id == entities.c.category_id)
    if single:
        value('answered_in', _records.list_id)
        value('answer', _records.result)
        joined = joined.outerjoin(table_of(OpRecord), (_records.user_id == bindparam('user_id'))
                                  & (_records.op_id == bindparam('op_id')))
    if adding:
        value('live_items', _live_items)
        value('top_item', _top_item)
    return Access(select(*columns).select_from(joined).where(lists.c.id == bindparam('list_id')), rows, values)


_lists = table_of(PackingList).c
LOCK = select(_lists.id).where(_lists.id == bindparam('list_id')).with_for_update()
"""PostgreSQL: hold the list's row before reading anything else of it. Every writer of the list, in any process,
takes this lock first, so the reads that follow (a new snapshot each, under READ COMMITTED) see what the writer
before committed. Locking in the same statement as those reads would not: PostgreSQL re-reads the locked row once
the lock is free, but the joined rows (an item, the newest activity) would come from the snapshot taken before
the wait. SQLite needs none of this: its writer holds the whole database from BEGIN IMMEDIATE."""
ACCESS: dict[tuple[type[Audited] | None, bool, bool], Access] = {
    (table, adding, single): _access(table, adding, single)
    for table in (None, *ENTITY_TABLES.values()) for adding in (False, True) for single in (False, True)}
ADDING = frozenset({'item.create', 'item.restore'})
ANSWERS = select(_records.op_id, _records.list_id, _records.result).where(
    _records.user_id == bindparam('user_id'), _records.op_id.in_(bindparam('op_ids', expanding=True)))
REMEMBER = insert(table_of(OpRecord))


@dataclass
class BatchResult:
    """What a batch of ops came to: one `OpResult` per op, the list's version after it, the changes to publish."""
    results: list[OpResult]
    version: int
    changes: list[Change]


@dataclass(eq=False)
class _Request:
    """One call's ops for one transaction, and where its outcome goes once that transaction committed."""
    ops: list[Op]
    user_id: str
    batch_id: str
    answer: asyncio.Future[BatchResult]
    outcome: BatchResult | DomainError | None = None


@dataclass(eq=False)
class _Group:
    """Requests on one list written in one transaction, in the order they came. The first starts it; later short
    ones join while it is open, that is until the writer thread, having written all it was given, closes it."""
    pending: list[_Request]
    open: bool
    written: list[_Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    """The event loop joins, the writer thread takes: each holds it for a list operation."""

    def join(self, request: _Request) -> bool:
        with self.lock:
            if self.open:
                self.pending.append(request)
            return self.open

    def take(self, *, close: bool) -> list[_Request]:
        """What joined since the last take; nothing more joins once this returns nothing or `close` is asked."""
        with self.lock:
            taken, self.pending = self.pending, []
            if close or not taken:
                self.open = False
            return taken

    def answer(self) -> None:
        """Hand each request written its outcome (on the event loop, after commit)."""
        for request in self.written:
            if request.answer.done():  # its caller was cancelled: the write stands, as any other
                continue
            if isinstance(request.outcome, BatchResult):
                request.answer.set_result(request.outcome)
            elif request.outcome is not None:
                request.answer.set_exception(request.outcome)

    def fail(self, error: BaseException) -> None:
        """The transaction did not commit: every request in it, or still joining, gets the error."""
        with self.lock:
            self.open = False
            requests, self.pending = [*self.written, *self.pending], []
        for request in requests:
            if request.answer.done():
                continue
            if isinstance(error, asyncio.CancelledError):  # shutting down
                request.answer.cancel()
            else:
                request.answer.set_exception(error)


class OpService:
    """Applies ops for a user; the only code that changes what is inside a list."""

    def __init__(self, db: Database, writer: Writer, *, items_max: int = ITEMS_PER_LIST_MAX) -> None:
        self.db = db
        self.writer = writer
        self.items_max = items_max
        self.changed: Event[list[Change]] = Event()
        """Committed changes of one request in one transaction, in commit order (list id, version, op, entity, actor,
        conflicts)."""
        self._groups: dict[str, _Group] = {}
        """Per list, the newest transaction that short requests may still join."""

    async def apply(self, list_id: str, ops: list[Op], *, user: User,
                    on_slice: Callable[[list[OpResult]], None] | None = None) -> BatchResult:
        """Apply `ops` in order; a rejected op does not stop the rest.

        A long batch (a replayed outbox) is written in slices of about `SLICE_S` each, one transaction per slice,
        published as it commits and handed to `on_slice`: another tab's click waits behind one slice, not behind
        the whole replay. Raises NotFound / Forbidden when the first slice finds no access; access that ends
        midway rejects the ops not applied yet, with the same reason.
        """
        results: list[OpResult] = []
        changes: list[Change] = []
        version = 0
        batch_id = new_id()
        while True:
            rest = ops[len(results):]
            try:
                batch = await self._write(list_id, rest, user.id, batch_id)
            except DomainError as error:
                if not results:
                    raise
                batch = BatchResult([OpResult.rejected(op.op_id, error.code, error.detail) for op in rest],
                                    version, [])
            results += batch.results
            changes += batch.changes
            version = batch.version
            if on_slice is not None:
                on_slice(batch.results)
            if len(results) >= len(ops):
                return BatchResult(results, version, changes)

    async def _write(self, list_id: str, ops: list[Op], user_id: str, batch_id: str) -> BatchResult:
        """Write `ops` (or their first slice) in the transaction of the list that is open to join, else in a new one.

        A long request closes the list to joining: what comes after it is written after it, as calls on one list
        always were (the writer's lock is first come, first served)."""
        request = _Request(ops, user_id, batch_id, asyncio.get_running_loop().create_future())
        short = len(ops) <= JOIN_MAX
        group = self._groups.get(list_id)
        if short and group is not None and group.join(request):
            return await request.answer
        group = _Group([request], open=short)
        self._groups[list_id] = group
        await asyncio.shield(self._commit(list_id, group))
        return await request.answer

    async def _commit(self, list_id: str, group: _Group) -> None:
        """Write the group in one transaction and answer everyone in it (shielded: a caller that goes away does not
        stop the others' answers)."""
        try:
            await self.writer.run(partial(self._apply_group, list_id=list_id, group=group), self._publish)
        except BaseException as error:
            group.fail(error)
            if not isinstance(error, Exception):
                raise
        finally:
            if self._groups.get(list_id) is group:
                del self._groups[list_id]

    def _publish(self, group: _Group) -> None:
        for request in group.written:
            if isinstance(request.outcome, BatchResult) and request.outcome.changes:
                self.changed.emit(request.outcome.changes)
        group.answer()

    def _apply_group(self, session: Session, list_id: str, group: _Group) -> _Group:
        """Each request of the group in turn, in one transaction, until none joins any more: the group closes once
        its slice is over (or another write waits for the writer), and what joined until then is written too."""
        deadline = time.monotonic() + SLICE_S
        while True:
            for request in group.take(close=self._slice_over(deadline)):
                group.written.append(request)
                try:
                    request.outcome = self._apply_all(session, list_id, request.ops, request.user_id,
                                                      request.batch_id)
                except DomainError as error:  # checked before it wrote anything: the others' writes stand
                    request.outcome = error
            if not group.open:
                return group

    def _apply_all(self, session: Session, list_id: str, ops: list[Op], user_id: str, batch_id: str
                   ) -> BatchResult:
        adding = any(op.type in ADDING for op in ops[:AHEAD])
        single = len(ops) == 1  # a click: its earlier answer (if resent) is read with the list
        wanted = OpApplier.wanted(ops[:AHEAD])
        table, ids = next(iter(wanted.items())) if len(wanted) == 1 else (None, set())
        access = ACCESS[table, adding, single]
        connection = session.connection()  # asked once: each ask goes through the session's transaction bookkeeping
        if not self.db.is_sqlite:
            connection.execute(LOCK, {'list_id': list_id})
        params = {'list_id': list_id, 'user_id': user_id, 'ids': list(ids), 'op_id': ops[0].op_id if single else None}
        rows = connection.execute(access.query, params).all()
        plist = access.row(rows[0], 'list') if rows else None
        if plist is None or plist.deleted_at is not None:
            raise NotFound('No such packing list.', code='not_found')
        first = rows[0]
        role, user, newest = first[access.values['role']], access.row(first, 'user'), access.row(first, 'newest')
        live_items, top_item = ((first[access.values['live_items']], first[access.values['top_item']]) if adding
                                else (None, None))
        if not can(role, Action.edit_items):
            raise Forbidden('Your role on this list is viewer: you can look, not change.', code='forbidden')
        applier = OpApplier(session, plist, user, items_max=self.items_max, newest=newest, live_items=live_items,
                            top_item=top_item)
        if table is not None:
            applier.adopt(table, ids, [e for e in (access.row(row, 'entity') for row in rows) if e is not None])
        if table is Item:
            applier.adopt(Category, set(), [c for c in (access.row(row, 'category') for row in rows) if c is not None])
        deadline = time.monotonic() + SLICE_S
        results: list[OpResult] = []
        records: dict[str, tuple[str, dict[str, Any]]] = {}  # op id: (list id, result), earlier and new
        if single and first[access.values['answered_in']] is not None:
            records[ops[0].op_id] = (first[access.values['answered_in']], first[access.values['answer']])
        new: list[dict[str, Any]] = []
        while len(results) < len(ops) and (not results or not self._slice_over(deadline)):  # at least one op
            ahead = ops[len(results):len(results) + AHEAD]
            if not single:
                records.update(self._records(connection, user_id, ahead))
            applier.preload(ahead)
            for op in ahead:
                result = self._apply_one(applier, op, records, role)
                if op.op_id not in records:
                    records[op.op_id] = (list_id, result.wire())
                    new.append({'user_id': user_id, 'op_id': op.op_id, 'list_id': list_id,
                                'result': records[op.op_id][1]})
                results.append(result)
                if self._slice_over(deadline):
                    break
        if new:
            now = utcnow()
            connection.execute(REMEMBER, [{**record, 'created_at': now} for record in new])
        for change in applier.changes:
            change.batch = batch_id
        log_changes(connection, applier.changes)
        return BatchResult(results, plist.version, applier.changes)

    def _slice_over(self, deadline: float) -> bool:
        return self.writer.waiting > 0 or time.monotonic() >= deadline

    @staticmethod
    def _records(connection: Connection, user_id: str, ops: list[Op]) -> dict[str, tuple[str, dict[str, Any]]]:
        """The answers already given to these op ids (a resent op is answered `duplicate`)."""
        found = connection.execute(ANSWERS, {'user_id': user_id, 'op_ids': list({op.op_id for op in ops})})
        return {op_id: (list_id, result) for op_id, list_id, result in found}

    @staticmethod
    def _apply_one(applier: OpApplier, op: Op, records: dict[str, tuple[str, dict[str, Any]]], role: str
                   ) -> OpResult:
        record = records.get(op.op_id)
        if record is not None and record[0] != applier.plist.id:
            # the first answer belongs to another list: repeating it would show that list's entity
            return OpResult.rejected(op.op_id, 'op_id_reused', 'This op_id was already used on another list; '
                                     'give each op a new id.')
        if record is not None:
            return OpResult(**{**record[1], 'status': 'duplicate', 'op_id': op.op_id})
        if op.type == 'list.update' and not can(role, Action.edit_list):
            return OpResult.rejected(op.op_id, 'forbidden', 'Your role may not change this list.')
        try:
            entity, conflicts = applier.apply(op)
        except Rejected as rejection:
            return OpResult.rejected(op.op_id, rejection.code, rejection.detail)
        return OpResult(op_id=op.op_id, status='conflict' if conflicts else 'applied', entity=entity,
                        conflicts=conflicts or None)
