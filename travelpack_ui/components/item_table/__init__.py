"""The item area of the list page as one browser-rendered element.

A thousand items as NiceGUI server elements cost ~20 MB and half a second per tab, so the rows live in the browser:
they are built from a snapshot prop and kept current by the deltas the room emits once per change to a socket.io
room (see `item_table.js`, the root of the `travelpack-item-table` ES modules in `browser/`). The server talks to
this element only for full re-syncs, acks and access changes; the browser sends `op`, `resync`, `focus` and `check`
events.
"""
from typing import Any

from nicegui import events, storage, ui

from models.common import NAME_MAX, NOTES_MAX, QUANTITY_MAX


# `browser/` is served under /_nicegui/ with year-long immutable caching, keyed by the folder's path and mtime: a
# deploy that edits a module in place without touching the folder keeps browsers on the old module.
class ItemTable(ui.element, component='item_table.js', esm={'travelpack-item-table': 'browser'}):
    """Packing-list rows, rendered and edited in the browser; every change leaves as an op batch (`op` event).

    Events (payload in `event.args`): `op` {'ops': [...]}, `resync` {'version'} after a gap in the deltas,
    `focus` {'item_id' or None}, `check` {'version'} every 30 s and after a reconnect.
    """

    def __init__(self, *, snapshot: dict[str, Any], me: dict[str, Any], members: dict[str, dict[str, Any]],
                 can_edit: bool, units: str = 'metric') -> None:
        super().__init__()
        self.sent_snapshots: list[dict[str, Any]] = [_summary(snapshot)]
        """What this tab was sent (id, name, version, item count; the last two): tests with the simulated `User`
        cannot run the browser side. Nothing per item, so that an open tab holds none of its list's rows."""
        self._set_rows(snapshot)
        self._props['me'] = me
        self._props['members'] = members
        self._props['canEdit'] = can_edit
        self._props['units'] = units
        self._props['presence'] = []
        # the server's own limits, so that the browser refuses what the server would, in the same numbers
        self._props['limits'] = {'name': NAME_MAX, 'notes': NOTES_MAX, 'quantity': QUANTITY_MAX}

    def _handle_event(self, msg: dict[str, Any]) -> None:
        """NiceGUI's dispatch, told that every handler of this element takes its event (the tab's all do): `focus`
        and `op` come many times a second per tab, and NiceGUI would read the handler's signature on each one,
        a third of what dispatching a focus event cost (py-spy, bench/fanout.py scenario b)."""
        listener = self._event_listeners[msg['listener_id']]
        storage.request_contextvar.set(listener.request)
        arguments = events.GenericEventArguments(sender=self, client=self.client, args=msg['args'])
        events.handle_event(listener.handler, arguments, expect_args=True)

    def load(self, snapshot: dict[str, Any]) -> None:
        """Replace the browser's state with a full snapshot (a gap in the deltas, a late tab, a check that lagged)."""
        self.sent_snapshots = [*self.sent_snapshots[-1:], _summary(snapshot)]  # bounded: tabs may re-sync often
        self.run_method('load', snapshot)

    def forget_rows(self) -> None:
        """Once the page is in the browser, the rows need not stay in this element: the browser reads them once."""
        self._set_rows({'id': self._props['list'].get('id'), 'version': self._props['list'].get('version')})

    def _set_rows(self, snapshot: dict[str, Any]) -> None:
        # NiceGUI's props deep-copy nested values into observable containers (~1 MB per tab at 1,000 items); the
        # snapshot is read-only and its rows are shared with the room, so it is stored as it is, unobserved
        dict.__setitem__(self._props, 'list', snapshot)

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
        self.forget_rows()
        self.update()

    def ack(self, results: list[dict[str, Any]]) -> None:
        """Answer this tab's ops: pending ops are dropped, rejected ones roll back with the server's sentence."""
        self.run_method('ack', results)

    def connected(self) -> None:
        """NiceGUI's handshake is done and the tab is in the room: the browser (re)sends its outbox now, because
        events a socket sends before the handshake are dropped."""
        self.run_method('connected')

    def notify_ended(self, message: str) -> None:
        """Access ended (removed, or the list deleted): the table turns read-only and shows `message`."""
        with self._props.suspend_updates():
            self._props['canEdit'] = False  # for a later re-render; `ended` switches the live one without a resend
        self.run_method('ended', message)


def _summary(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A few fields of a sent snapshot. Item names here cost a 1,000-item list's tab 8 KB for its whole life
    (tracemalloc, bench/page_load.py's tabs); tests that look at them add them (tests/pages/test_pages.py)."""
    return {'id': snapshot.get('id'), 'name': snapshot.get('name'), 'version': snapshot.get('version'),
            'items': len(snapshot.get('items', ()))}
