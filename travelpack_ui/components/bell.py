"""The bell in every page's header: the unread count, live, and a menu of recent notifications.

The count follows the person's notifications as they are made (`Notifications.updates_for`, an event per person
that this page subscribes to; NiceGUI unsubscribes it when the page goes). The menu is built when opened, so an
idle page holds only the button and its badge.
"""
from typing import Any

from nicegui import ui

from models import User
from travelpack_ui.notify.service import Notifications, link_of

SHOWN = 20


class notification_bell(ui.button):
    """Unread count on a bell; opening an entry marks it read and goes to what it is about."""

    def __init__(self, notifications: Notifications, user: User) -> None:
        super().__init__(icon='notifications_none')
        self.notifications = notifications
        self.user = user
        self.props('flat round dense').mark('bell')
        with self:
            self.badge = ui.badge(color='negative').props('floating rounded').mark('bell-count')
            self.menu = ui.menu().props('no-parent-event').classes('min-w-[18rem] max-w-[26rem]')
        self.on_click(self.toggle)
        self.show(notifications.unread_count(user.id))
        notifications.updates_for(user.id).subscribe(self.show)

    def show(self, unread: int) -> None:
        """A new unread count (made, or marked read, in any of this person's pages or through the API)."""
        self.badge.set_text(str(unread) if unread < 100 else '99+')
        self.badge.set_visibility(unread > 0)
        self.props(f'icon={"notifications" if unread else "notifications_none"} '
                   f'aria-label="Notifications: {unread} unread"')

    def toggle(self) -> None:
        if self.menu.value:
            self.menu.close()
            return
        self.fill()
        self.menu.open()

    def fill(self) -> None:
        entries = self.notifications.page(self.user.id, limit=SHOWN)['items']
        self.menu.clear()
        with self.menu:
            with ui.row().classes('w-full items-center justify-between px-3 py-1 no-wrap'):
                ui.label('Notifications').classes('font-bold')
                ui.button('Mark all read', on_click=self.mark_all_read).props('flat dense no-caps size=sm') \
                    .mark('mark-all-read')
            if not entries:
                ui.label('Nothing yet.').classes('px-3 py-2 text-gray-600').mark('no-notifications')
            for entry in entries:
                self._entry(entry)

    def _entry(self, entry: dict[str, Any]) -> None:
        async def open_it() -> None:
            if not entry['read']:
                await self.notifications.mark_read(self.user.id, ids=[int(entry['id'])])
            ui.navigate.to(link_of(entry))
        with ui.menu_item(on_click=open_it).classes('items-start').mark(f'notification-{entry["id"]}'):
            ui.icon('circle' if not entry['read'] else 'radio_button_unchecked', size='10px') \
                .classes('mt-2 mr-2 ' + ('text-primary' if not entry['read'] else 'text-gray-300'))
            ui.label(entry['summary']).classes('font-medium' if not entry['read'] else 'text-gray-600')

    async def mark_all_read(self) -> None:
        await self.notifications.mark_read(self.user.id, everything=True)
        self.fill()
