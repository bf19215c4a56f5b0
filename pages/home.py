"""My lists: every list I own or share, with progress; create, rename, duplicate, delete to the bin, restore."""
from typing import Any

from nicegui import ui

from models import ListCreate, Op, User, new_id
from travelpack_ui.auth.browser import signed_in
from travelpack_ui.components.frame import frame
from travelpack_ui.components.list_bin import list_bin
from travelpack_ui.components.list_card import list_card
from travelpack_ui.components.list_dialog import list_dialog
from travelpack_ui.components.outbox_replay import OutboxReplay
from travelpack_ui.core.errors import DomainError
from travelpack_ui.services import Services


def register(services: Services) -> None:
    @ui.page('/')
    @signed_in(services.accounts, '/')
    def home_page(user: User) -> None:
        with frame('My lists', user):
            OutboxReplay(services, user)  # what was changed offline on any list goes out as the app opens
            MyLists(services, user)


class MyLists:
    """The page's content for one person; re-rendered after each change they make here (their own view only)."""

    def __init__(self, services: Services, user: User) -> None:
        self.services, self.lists, self.user = services, services.lists, user
        self.content()

    @ui.refreshable_method
    def content(self) -> None:
        summaries = self.lists.summaries(self.user.id)
        mine = [s for s in summaries if s['role'] == 'owner']
        shared = [s for s in summaries if s['role'] != 'owner']
        with ui.row().classes('w-full items-center'):
            ui.label('My lists').classes('text-2xl font-bold')
            ui.space()
            ui.button('New list', icon='add', on_click=lambda: self.edit(None)).props('unelevated color=primary') \
                .mark('new-list')
        if not mine:
            with ui.card().classes('w-full items-center py-8').mark('empty-lists'):
                ui.label('No packing lists yet.').classes('text-lg')
                ui.label('Create one for your next trip, then add what to bring.').classes('text-gray-600')
        for summary in mine:
            self.card(summary)
        if shared:
            ui.label('Shared with me').classes('text-xl font-bold mt-4')
            for summary in shared:
                self.card(summary)
        list_bin(self.lists.summaries(self.user.id, binned=True), days=self.services.settings.bin_days,
                 on_restore=self.restore)

    def card(self, summary: dict[str, Any]) -> None:
        list_card(summary, on_rename=self.edit, on_duplicate=self.duplicate, on_delete=self.delete)

    def edit(self, summary: dict[str, Any] | None) -> None:
        """A new list opens once created; a renamed one is shown here with its new details."""
        if summary is None:
            list_dialog(None, on_save=self.create, on_saved=lambda created: ui.navigate.to(f'/lists/{created["id"]}'))
        else:
            list_dialog(summary, on_save=lambda fields: self.rename(summary, fields),
                        on_saved=lambda _: self.content.refresh())

    async def create(self, fields: dict[str, Any]) -> dict[str, Any]:
        return await self.lists.create(ListCreate(**fields), user=self.user)

    async def rename(self, summary: dict[str, Any], fields: dict[str, Any]) -> None:
        """Through the op path like every change inside a list, so its room and activity hear of it."""
        outcome = await self.services.ops.apply(summary['id'], [Op(op_id=new_id(), type='list.update',
                                                                   fields=fields)], user=self.user)
        result = outcome.results[0]
        if result.status == 'rejected':
            raise DomainError(result.detail or 'Not saved.')

    async def duplicate(self, summary: dict[str, Any]) -> None:
        await self.lists.duplicate(summary['id'], user=self.user)
        ui.notify(f'Duplicated {summary["name"]}', type='positive')
        self.content.refresh()

    async def delete(self, summary: dict[str, Any]) -> None:
        await self.lists.delete(summary['id'], user=self.user)
        ui.notify(f'Moved {summary["name"]} to the bin', type='info')
        self.content.refresh()

    async def restore(self, summary: dict[str, Any]) -> None:
        await self.lists.restore(summary['id'], user=self.user)
        self.content.refresh()
