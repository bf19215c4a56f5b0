"""The one path every change takes: authorize, apply, persist, publish.

A click in a tab, a REST call, a WebSocket message and a replayed offline op all end in `OpService.apply`.
Writes go through the one `Writer` (core/writer.py) inside one transaction with a savepoint per op, are logged in
the same transaction (lists/changelog.py, for rooms of other processes) and announced on `changed` after commit.
"""
import logging
from dataclasses import dataclass

from nicegui import Event
from sqlmodel import Session, select

from models import ITEMS_PER_LIST_MAX, Action, ListMember, Op, OpRecord, OpResult, PackingList, User, can
from travelpack_ui.core.db import Database
from travelpack_ui.core.errors import Forbidden, NotFound, Rejected
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.applier import Change, OpApplier
from travelpack_ui.lists.changelog import log_changes

log = logging.getLogger(__name__)


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

    async def apply(self, list_id: str, ops: list[Op], *, user: User) -> BatchResult:
        """Apply `ops` in order; a rejected op does not stop the rest. Raises NotFound / Forbidden for the caller."""
        return await self.writer.run(lambda s: self._apply_all(s, list_id, ops, user.id), self._publish)

    def _publish(self, batch: BatchResult) -> None:
        if batch.changes:
            self.changed.emit(batch.changes)

    def _apply_all(self, session: Session, list_id: str, ops: list[Op], user_id: str) -> BatchResult:
        plist = session.exec(select(PackingList).where(PackingList.id == list_id).with_for_update()).first()
        member = session.get(ListMember, (list_id, user_id))
        user = session.get(User, user_id)
        if plist is None or member is None or user is None or plist.deleted_at is not None:
            raise NotFound('No such packing list.', code='not_found')
        if not can(member.role, Action.edit_items):
            raise Forbidden('Your role on this list is viewer: you can look, not change.', code='forbidden')
        applier = OpApplier(session, plist, user, items_max=self.items_max)
        results = [self._apply_one(session, applier, op, user_id, member.role) for op in ops]
        log_changes(session, applier.changes)
        return BatchResult(results, plist.version, applier.changes)

    def _apply_one(self, session: Session, applier: OpApplier, op: Op, user_id: str, role: str) -> OpResult:
        record = session.get(OpRecord, (user_id, op.op_id))
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
        session.add(OpRecord(user_id=user_id, op_id=op.op_id, list_id=applier.plist.id, result=result.wire()))
        return result
