"""The list page `/lists/<id>`: header (name, who is here, actions), the browser-rendered items, activity."""
from collections.abc import Callable
from typing import Any

from nicegui import ui

from models import Action, Op, User, can, new_id
from travelpack_ui.auth.browser import signed_in
from travelpack_ui.components.activity_feed import activity_feed
from travelpack_ui.components.avatars import avatar_stack
from travelpack_ui.components.frame import frame
from travelpack_ui.components.item_table import ItemTable
from travelpack_ui.components.lazy_menu import lazy_menu
from travelpack_ui.components.people_dialog import welcome_dialog
from travelpack_ui.components.share_dialog import share_button
from travelpack_ui.core.errors import DomainError
from travelpack_ui.lists.applier import actor_of
from travelpack_ui.live.rooms import Room
from travelpack_ui.live.tab import ListTab
from travelpack_ui.services import Services


def register(services: Services) -> None:
    lists, rooms = services.lists, services.rooms

    @ui.page('/lists/{list_id}')
    @signed_in(services.accounts, '/lists/{list_id}')
    async def list_page(user: User, list_id: str) -> None:
        role = lists.role_of(list_id, user.id)
        if role is None:
            with frame('Not found', user):
                ui.label('This list does not exist, or it was not shared with you.').classes('text-lg') \
                    .mark('not-found')
                ui.link('Back to my lists', '/')
            return
        room = await rooms.open(list_id)
        client = ui.context.client
        with frame(room.state['name'], user):
            header = list_header(services, room, user, role)
            table = ItemTable(snapshot=room.snapshot(), me=actor_of(user), members=lists.people(list_id),
                              can_edit=can(role, Action.edit_items), units=user.units).classes('w-full')
            tab = ListTab(services, room, user, client, table)
            header.tab = tab
            room.people_changed.subscribe(header.avatars.show)
            room.list_updated.subscribe(header.update_name)
            def leave() -> None:
                room.people_changed.unsubscribe(header.avatars.show)
                room.list_updated.unsubscribe(header.update_name)
            client.on_delete(leave)
            header.avatars.show(room.people)  # what the room last pushed: later changes come as people_changed
            end_activity = activity_section(services, room, tab)
            tab.on_end += [leave, header.end, end_activity]  # access ended: the list's content leaves the page
        welcome = welcome_dialog(services, list_id, user)
        if welcome is not None:  # it names the list and its people
            tab.on_end.append(lambda: None if welcome.is_deleted else welcome.delete())


def activity_section(services: Services, room: Room, tab: ListTab) -> Callable[[], None]:
    """The feed is built when first opened and follows the room only while open; returns what ends it."""
    feed: list[activity_feed] = []

    def toggle(opened: bool) -> None:
        if opened and not feed:
            with expansion:
                feed.append(activity_feed(services.lists.activity(room.list_id, limit=50),
                                          can_revert=lambda: tab.can_edit, on_revert=tab.revert,
                                          load_older=lambda before: services.lists.activity(room.list_id, limit=50,
                                                                                           before=before)))
        if feed:
            if opened:
                room.activity_pushed.subscribe(feed[0].add)
            else:
                room.activity_pushed.unsubscribe(feed[0].add)
    expansion = ui.expansion('Activity', icon='history', on_value_change=lambda e: toggle(e.value)) \
        .classes('w-full bg-white rounded tp-needs-server').mark('activity-toggle')

    def end() -> None:
        """Access ended: the feed stops following the room and leaves the page."""
        if feed:
            room.activity_pushed.unsubscribe(feed[0].add)
        expansion.delete()
    return end


class list_header:
    """Name, dates, presence and the list's actions; the name follows renames live."""

    def __init__(self, services: Services, room: Room, user: User, role: str) -> None:
        self.services, self.room, self.user, self.role = services, room, user, role
        self.tab: Any = None
        # one wrapping line: the title takes what the actions leave, down to 12rem; below that the actions move to
        # a line of their own instead of covering it (a phone, many people here). The details go under both.
        with ui.element('div').classes('tp-list-head w-full flex flex-wrap items-center gap-x-2'):
            self.name = ui.label(room.state['name']).classes('grow basis-48 min-w-0 text-xl sm:text-2xl font-bold '
                                                             'truncate').mark('list-title')
            self.name.props['data-testid'] = 'list-title'  # marks are for the simulated `User`, ids for Chromium
            with ui.row(wrap=False).classes('ml-auto items-center gap-1') as self.actions_row:
                self.avatars = avatar_stack()
                share = share_button(services, room.list_id, user, role)
                # named when it shows only its icon; offline, what needs the server is visibly off (the item table
                # toggles `tp-needs-server`)
                share.classes('tp-share tp-needs-server').props(f'aria-label="{share.text}"')
                lazy_menu(ui.button(icon='more_vert').props('flat round aria-label="List actions"')
                          .classes('tp-needs-server'), self.actions)
            self.details = ui.label().classes('w-full text-gray-600 text-sm sm:text-base').mark('list-details')
            self.details.props['data-testid'] = 'list-details'
            self._show_details(room.state)

    def actions(self) -> None:
        list_id = self.room.list_id
        if can(self.services.lists.role_of(list_id, self.user.id), Action.edit_list):
            ui.menu_item('Rename', on_click=self.rename)
        ui.menu_item('Export CSV', on_click=lambda: ui.download(f'/lists/{list_id}/export.csv'))
        ui.menu_item('Printable view', on_click=lambda: ui.navigate.to(f'/lists/{list_id}/print', new_tab=True))
        ui.menu_item('Duplicate', on_click=self.duplicate)

    def end(self) -> None:
        """Access ended: no name, details, people or actions of the list stay on the page."""
        self.name.set_text('No access')
        ui.page_title('No access · TravelPack')  # the browser's tab title named the list too
        self.details.set_visibility(False)
        self.details.set_text('')
        self.avatars.delete()
        self.actions_row.delete()

    def update_name(self, state: dict[str, Any]) -> None:
        self.name.set_text(state['name'])
        self._show_details(state)

    def _show_details(self, state: dict[str, Any]) -> None:
        text = _details(state)
        self.details.set_text(text)
        self.details.set_visibility(bool(text))  # an empty line would still take a line's space on a phone

    def rename(self) -> None:
        with ui.dialog() as dialog, ui.card().classes('w-96'):
            name = ui.input('Name', value=self.room.state['name']).classes('w-full').props('autofocus')

            async def save() -> None:
                op = Op(op_id=new_id(), type='list.update', fields={'name': name.value},
                        base_version=self.room.version)
                results = await self.tab.send_ops([op])
                if results[0]['status'] == 'rejected':
                    ui.notify(results[0].get('detail', 'Not saved.'), type='negative')
                    return
                dialog.close()
            name.on('keydown.enter', save)
            with ui.row().classes('w-full justify-end'):
                ui.button('Cancel', on_click=dialog.close).props('flat')
                ui.button('Save', on_click=save).props('unelevated color=primary')
        dialog.open()

    async def duplicate(self) -> None:
        try:
            copy = await self.services.lists.duplicate(self.room.list_id, user=self.user)
        except DomainError as error:
            ui.notify(error.detail, type='negative')
            return
        ui.navigate.to(f'/lists/{copy["id"]}')


def _details(state: dict[str, Any]) -> str:
    parts = [state.get('destination') or '']
    if state.get('start_date') or state.get('end_date'):
        parts.append(f'{state.get("start_date") or "?"} → {state.get("end_date") or "?"}')
    return ' · '.join(p for p in parts if p)
