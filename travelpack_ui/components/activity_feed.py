"""The activity feed: one sentence per change, newest first, live, with a one-click revert for editors."""
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from nicegui import ui

SHOWN = 50


class activity_feed(ui.column):
    """Server-rendered, but only while open: a closed feed costs a tab nothing when changes stream in."""

    def __init__(self, entries: list[dict[str, Any]], *, can_revert: Callable[[], bool],
                 on_revert: Callable[[str], Awaitable[None]], load_older: Callable[[str], list[dict[str, Any]]]
                 ) -> None:
        super().__init__()
        self.classes('w-full gap-1').mark('activity')
        self.can_revert = can_revert
        self.on_revert = on_revert
        self.load_older = load_older
        self.rows: dict[str, ui.row] = {}
        self.labels: dict[str, ui.label] = {}
        with self:
            self.empty = ui.label('No changes yet.').classes('text-gray-500')
            self.list = ui.column().classes('w-full gap-1')
            self.more = ui.button('Show older', on_click=self._older).props('flat dense')
        for entry in entries:
            self._append(entry)
        self._refresh_chrome(len(entries) >= SHOWN)

    def add(self, entries: list[dict[str, Any]]) -> None:
        """New entries arrive oldest first; a collapsed burst updates its existing line, or takes it away when the
        burst undid itself (`removed`: pack, then unpack)."""
        for entry in entries:
            if entry.get('removed'):
                self._remove(entry['id'])
                continue
            if entry['id'] in self.labels:
                self.labels[entry['id']].set_text(entry['summary'])
                continue
            self._append(entry, first=True)
        while len(self.rows) > SHOWN * 4:
            self._remove(next(iter(self.rows)))
        self._refresh_chrome(self.more.visible)

    def _remove(self, entry_id: str) -> None:
        row = self.rows.pop(entry_id, None)
        self.labels.pop(entry_id, None)
        if row is not None:
            row.delete()

    def _append(self, entry: dict[str, Any], *, first: bool = False) -> None:
        with self.list:
            with ui.row().classes('w-full items-center no-wrap gap-2').mark('activity-entry') as row:
                actor = entry['actor']
                ui.label(actor['initials']).classes('rounded-full text-white text-xs font-bold px-1') \
                    .style(f'background:{actor["color"]};min-width:24px;text-align:center')
                with ui.column().classes('gap-0 grow min-w-0'):
                    self.labels[entry['id']] = ui.label(entry['summary']).classes('text-sm')
                    ui.label(_ago(entry['at'])).classes('text-xs text-gray-500')
                if self.can_revert() and entry['action'] != 'list.create':
                    ui.button('Revert', on_click=lambda e=entry: self.on_revert(e['id'])) \
                        .props('flat dense size=sm').mark('revert')
        if first:
            row.move(self.list, target_index=0)
        self.rows[entry['id']] = row

    async def _older(self) -> None:
        oldest = min(self.rows, key=int) if self.rows else None
        entries = self.load_older(oldest) if oldest else []
        for entry in entries:
            self._append(entry)
        self._refresh_chrome(len(entries) >= SHOWN)

    def _refresh_chrome(self, maybe_more: bool) -> None:
        self.empty.set_visibility(not self.rows)
        self.more.set_visibility(maybe_more)


def _ago(at: str | None) -> str:
    if not at:
        return ''
    seconds = (datetime.now(UTC) - datetime.fromisoformat(at.replace('Z', '+00:00'))).total_seconds()
    if seconds < 60:
        return 'just now'
    if seconds < 3600:
        return f'{int(seconds // 60)} min ago'
    if seconds < 86400:
        return f'{int(seconds // 3600)} h ago'
    return at[:10]
