"""The home page's half of the offline outbox: opening the app is enough to send what was queued on any list.

The browser keeps one queue per list (the item table's `outbox.js`, IndexedDB). This invisible element reads them
all once its socket is up and sends each as `replay` events over the page's own NiceGUI socket, so ops travel the
one op path (`OpService.apply`) with the role checked here, per list, when they arrive. The answers go back per
list; the browser lets go of exactly the answered ops, and of a list's whole queue, kept state and cached page when
access to it ended.
"""
import logging
from typing import Any

from nicegui import ui

from models import Action, OpResult, User, can, parse_ops
from travelpack_ui.core.errors import DomainError
from travelpack_ui.services import Services

log = logging.getLogger(__name__)


class OutboxReplay(ui.element, component='outbox_replay.js'):
    """Sends the queues of every list this browser holds for `user`; says "Syncing n changes…" meanwhile."""

    def __init__(self, services: Services, user: User) -> None:
        super().__init__()
        self.services, self.user = services, user
        self._props['userId'] = user.id
        self.on('replay', self._on_replay)

    async def _on_replay(self, event: Any) -> None:
        args = event.args if isinstance(event.args, dict) else {}
        list_id, raw = args.get('list_id'), args.get('ops')
        if not isinstance(list_id, str) or not isinstance(raw, list) or len(raw) > 500:
            log.warning('Ignored a malformed replay from %s', self.user.id)  # the browser never sends one
            return
        ops, results = parse_ops(raw)
        role = self.services.lists.role_of(list_id, self.user.id)
        gone = role is None
        if gone:
            results += [OpResult.rejected(op.op_id, 'not_found', 'You no longer have access to this list.').wire()
                        for op in ops]
        elif not can(role, Action.edit_items):
            results += [OpResult.rejected(op.op_id, 'forbidden', 'Viewers cannot change this list.').wire()
                        for op in ops]
        else:
            try:  # written in short slices (lists/ops.py), as a list tab's replay is
                batch = await self.services.ops.apply(list_id, ops, user=self.user)
                results += [r.wire() for r in batch.results]
            except DomainError as error:
                results += [OpResult.rejected(op.op_id, error.code, error.detail).wire() for op in ops]
        self.run_method('answered', list_id, results, gone)
