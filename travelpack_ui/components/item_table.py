"""The item area of the list page as one browser-rendered element.

A thousand items as NiceGUI server elements cost ~20 MB and half a second per tab, so the rows live in the browser:
they are built from a snapshot prop and kept current by the deltas the room emits once per change to a socket.io
room (see `item_table.js`). The server talks to this element only for full re-syncs, acks and access changes; the
browser sends `op`, `resync`, `focus` and `check` events.
"""
from typing import Any

from nicegui import ui


class ItemTable(ui.element, component='item_table.js'):
    """Packing-list rows, rendered and edited in the browser; every change leaves as an op batch (`op` event).

    Events (payload in `event.args`): `op` {'ops': [...]}, `resync` {'version'} after a gap in the deltas,
    `focus` {'item_id' or None}, `check` {'version'} every 30 s and after a reconnect.
    """

    def __init__(self, *, snapshot: dict[str, Any], me: dict[str, Any], members: dict[str, dict[str, Any]],
                 can_edit: bool, units: str = 'metric') -> None:
        super().__init__()
        self.sent_snapshots: list[dict[str, Any]] = [snapshot]
        """Every snapshot this tab was sent: the simulated `User` of the tests cannot run the browser side."""
        self._props['list'] = snapshot
        self._props['me'] = me
        self._props['members'] = members
        self._props['canEdit'] = can_edit
        self._props['units'] = units
        self._props['presence'] = []

    def load(self, snapshot: dict[str, Any]) -> None:
        """Replace the browser's state with a full snapshot (a gap in the deltas, a late tab, a check that lagged)."""
        self.sent_snapshots = [*self.sent_snapshots[-1:], snapshot]  # bounded: a tab may re-sync many times
        with self._props.suspend_updates():
            # kept for a later re-render of the element, but not resent now: `load` already carries it
            self._props['list'] = snapshot
        self.run_method('load', snapshot)

    def set_can_edit(self, value: bool) -> None:
        """Show or hide the editing controls after a live role change."""
        if self._props['canEdit'] != value:
            self._props['canEdit'] = value
            self._update_without_rows()

    def set_members(self, members: dict[str, dict[str, Any]]) -> None:
        """Update who is who (display name, initials, color) for the attribution chips."""
        if self._props['members'] != members:
            self._props['members'] = members
            self._update_without_rows()

    def _update_without_rows(self) -> None:
        """Resend the small props only: the browser reads `list` once, when it mounts, so a stub will do."""
        with self._props.suspend_updates():
            self._props['list'] = {'id': self._props['list'].get('id'), 'version': self._props['list'].get('version')}
        self.update()

    def ack(self, results: list[dict[str, Any]]) -> None:
        """Answer this tab's ops: pending ops are dropped, rejected ones roll back with the server's sentence."""
        self.run_method('ack', results)

    def notify_ended(self, message: str) -> None:
        """Access ended (removed, or the list deleted): the table turns read-only and shows `message`."""
        with self._props.suspend_updates():
            self._props['canEdit'] = False  # for a later re-render; `ended` switches the live one without a resend
        self.run_method('ended', message)
