"""The one path every change takes: authorize, apply, persist, publish.

A click in a tab, a REST call, a WebSocket message and a replayed offline op all end in `OpService.apply`.
Writes go through the one `Writer` (core/writer.py) inside one transaction with a savepoint per op, are logged in
the same transaction (lists/changelog.py, for rooms of other processes) and announced on `changed` after commit.
"""
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from nicegui import Event
from sqlmodel import Session, col, select

from models import ITEMS_PER_LIST_MAX, Action, ListMember, Op, OpRecord, OpResult, PackingList, User, can, new_id
from travelpack_ui.core.db import Database
from travelpack_ui.core.errors import DomainError, Forbidden, NotFound, Rejected
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.applier import Change, OpApplier
from travelpack_ui.lists.changelog import log_changes

log = logging.getLogger(__name__)
SLICE_S = 0.02
"""How long one write transaction takes ops for: the longest another tab's click waits behind a long batch."""
AHEAD = 16
"""Ops whose earlier answers (op records) and entities are read in one query each, ahead of applying them."""


@dataclass
class BatchResult:
    """What a batch of ops came to: one `OpResult` per op, the list's version after it, the changes to publish."""
    results: list[OpResult]
    version: int
    changes: list[Change]


class OpService:
    """Applies ops for a user; the only code that changes what is inside a list."""

    def __init__(self, db: Database, writer: Writer, *, items_max: int = ITEMS_PER_LIST_MAX) -> None:
        self.db = db
        self.writer = writer
        self.items_max = items_max
        self.changed: Event[list[Change]] = Event()
        """Committed changes of one transaction, in commit order (list id, version, op, entity, actor, conflicts)."""

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
                batch = await self.writer.run(partial(self._apply_all, list_id=list_id, ops=rest, user_id=user.id,
                                                      batch_id=batch_id), self._publish)
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

    def _publish(self, batch: BatchResult) -> None:
        if batch.changes:
            self.changed.emit(batch.changes)

    def _apply_all(self, session: Session, list_id: str, ops: list[Op], user_id: str, batch_id: str
                   ) -> BatchResult:
        plist = session.exec(select(PackingList).where(PackingList.id == list_id).with_for_update()).first()
        member = session.get(ListMember, (list_id, user_id))
        user = session.get(User, user_id)
        if plist is None or member is None or user is None or plist.deleted_at is not None:
            raise NotFound('No such packing list.', code='not_found')
        if not can(member.role, Action.edit_items):
            raise Forbidden('Your role on this list is viewer: you can look, not change.', code='forbidden')
        applier = OpApplier(session, plist, user, items_max=self.items_max)
        deadline = time.monotonic() + SLICE_S
        results: list[OpResult] = []
        records: dict[str, OpRecord] = {}
        while len(results) < len(ops) and (not results or time.monotonic() < deadline):  # at least one op
            ahead = ops[len(results):len(results) + AHEAD]
            records.update(self._records(session, user_id, ahead))
            applier.preload(ahead)
            for op in ahead:
                results.append(self._apply_one(session, applier, op, records, member.role))
                if time.monotonic() >= deadline:
                    break
        session.add_all([record for record in records.values() if record not in session])  # one insert for all
        for change in applier.changes:
            change.batch = batch_id
        log_changes(session, applier.changes)
        return BatchResult(results, plist.version, applier.changes)

    @staticmethod
    def _records(session: Session, user_id: str, ops: list[Op]) -> dict[str, OpRecord]:
        """The answers already given to these op ids (a resent op is answered `duplicate`)."""
        query = select(OpRecord).where(OpRecord.user_id == user_id, col(OpRecord.op_id).in_({op.op_id for op in ops}))
        return {record.op_id: record for record in session.exec(query).all()}

    def _apply_one(self, session: Session, applier: OpApplier, op: Op, records: dict[str, OpRecord],
                   role: str) -> OpResult:
        record = records.get(op.op_id)
        if record is not None and record.list_id != applier.plist.id:
            # the first answer belongs to another list: repeating it would show that list's entity
            return OpResult.rejected(op.op_id, 'op_id_reused', 'This op_id was already used on another list; '
                                     'give each op a new id.')
        if record is not None:
            return OpResult(**{**record.result, 'status': 'duplicate', 'op_id': op.op_id})
        if op.type == 'list.update' and not can(role, Action.edit_list):
            result = OpResult.rejected(op.op_id, 'forbidden', 'Your role may not change this list.')
        else:
            savepoint = session.begin_nested()
            mark = len(applier.changes)
            try:
                entity, conflicts = applier.apply(op)
            except Rejected as rejection:
                savepoint.rollback()
                del applier.changes[mark:]
                result = OpResult.rejected(op.op_id, rejection.code, rejection.detail)
            else:
                savepoint.commit()
                result = OpResult(op_id=op.op_id, status='conflict' if conflicts else 'applied', entity=entity,
                                  conflicts=conflicts or None)
        records[op.op_id] = OpRecord(user_id=applier.user.id, op_id=op.op_id, list_id=applier.plist.id,
                                     result=result.wire())
        return result
