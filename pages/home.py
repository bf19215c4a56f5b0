"""My lists: every list I own or share, with progress; create, rename, duplicate, delete to the bin, restore."""
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui
from pydantic import ValidationError

from models import ListCreate, Op, new_id, validation_sentence
from travelpack_ui.auth.browser import signed_in_user, to_sign_in
from travelpack_ui.components.frame import frame
from travelpack_ui.core.errors import DomainError
from travelpack_ui.services import Services


def register(services: Services) -> None:
    lists = services.lists

    @ui.page('/')
    def home_page() -> RedirectResponse | None:
        user = signed_in_user(services.auth)
        if user is None:
            return to_sign_in('/')
        with frame('My lists', user):
            @ui.refreshable
            def content() -> None:
                summaries = lists.summaries(user.id)
                mine = [s for s in summaries if s['role'] == 'owner']
                shared = [s for s in summaries if s['role'] != 'owner']
                with ui.row().classes('w-full items-center'):
                    ui.label('My lists').classes('text-2xl font-bold')
                    ui.space()
                    ui.button('New list', icon='add', on_click=lambda: edit_dialog(None)) \
                        .props('unelevated color=primary').mark('new-list')
                if not mine:
                    with ui.card().classes('w-full items-center py-8').mark('empty-lists'):
                        ui.label('No packing lists yet.').classes('text-lg')
                        ui.label('Create one for your next trip, then add what to bring.').classes('text-gray-600')
                for summary in mine:
                    list_card(summary)
                if shared:
                    ui.label('Shared with me').classes('text-xl font-bold mt-4')
                    for summary in shared:
                        list_card(summary)
                binned = lists.summaries(user.id, binned=True)
                if binned:
                    with ui.expansion(f'Bin ({len(binned)})', icon='delete').classes('w-full mt-4').mark('bin'):
                        ui.label(f'Deleted lists stay here for {services.settings.bin_days} days.') \
                            .classes('text-gray-600')
                        for summary in binned:
                            with ui.row().classes('items-center w-full'):
                                ui.label(summary['name'])
                                ui.space()
                                ui.button('Restore', on_click=lambda s=summary: restore(s)).props('flat') \
                                    .mark(f'restore-{summary["name"]}')

            def list_card(summary: dict[str, Any]) -> None:
                with ui.card().classes('w-full cursor-pointer').mark('list-card') as card:
                    card.on('click', lambda s=summary: ui.navigate.to(f'/lists/{s["id"]}'))
                    with ui.row().classes('w-full items-center no-wrap'):
                        with ui.column().classes('gap-0 grow'):
                            ui.label(summary['name']).classes('text-lg font-medium')
                            details = [summary.get('destination') or '', dates(summary)]
                            ui.label(' · '.join(d for d in details if d)).classes('text-gray-600')
                            if summary['role'] != 'owner':
                                owner = (summary.get('owner') or {}).get('display_name', '')
                                ui.label(f'Shared by {owner} · you are {summary["role"]}').classes('text-sm')
                        if summary['role'] == 'owner':
                            actions = ui.button(icon='more_vert').props('flat round').on('click.stop', lambda: None)
                            actions.props['aria-label'] = f'Actions for {summary["name"]}'
                            with actions:
                                with ui.menu():
                                    ui.menu_item('Rename', on_click=lambda s=summary: edit_dialog(s))
                                    ui.menu_item('Duplicate', on_click=lambda s=summary: duplicate(s))
                                    ui.menu_item('Delete', on_click=lambda s=summary: delete(s))
                    total, packed = summary['item_count'], summary['packed_count']
                    ui.linear_progress(value=packed / total if total else 0, show_value=False).props('rounded')
                    ui.label(f'{packed} / {total} packed').classes('text-sm text-gray-600')

            def edit_dialog(summary: dict[str, Any] | None) -> None:
                with ui.dialog() as dialog, ui.card().classes('w-96'):
                    ui.label('Rename list' if summary else 'New packing list').classes('text-lg font-bold')
                    name = ui.input('Name', value=summary['name'] if summary else '').props('autofocus') \
                        .classes('w-full').mark('list-name')
                    destination = ui.input('Destination', value=(summary or {}).get('destination') or '') \
                        .classes('w-full')
                    start = ui.input('Start date', value=(summary or {}).get('start_date') or '') \
                        .props('type=date').classes('w-full')
                    end = ui.input('End date', value=(summary or {}).get('end_date') or '') \
                        .props('type=date').classes('w-full')

                    async def save() -> None:
                        fields = {'name': name.value, 'destination': destination.value or None,
                                  'start_date': start.value or None, 'end_date': end.value or None}
                        try:
                            if summary is None:
                                created = await lists.create(ListCreate(**fields), user=user)
                                dialog.close()
                                ui.navigate.to(f'/lists/{created["id"]}')
                                return
                            await rename(summary, fields)
                        except ValidationError as error:
                            ui.notify(validation_sentence(error), type='negative')
                            return
                        except DomainError as error:
                            ui.notify(error.detail, type='negative')
                            return
                        dialog.close()
                        content.refresh()
                    name.on('keydown.enter', save)
                    with ui.row().classes('w-full justify-end'):
                        ui.button('Cancel', on_click=dialog.close).props('flat')
                        ui.button('Save' if summary else 'Create', on_click=save).props('unelevated color=primary') \
                            .mark('save-list')
                dialog.open()

            async def rename(summary: dict[str, Any], fields: dict[str, Any]) -> None:
                outcome = await services.ops.apply(summary['id'], [Op(op_id=new_id(), type='list.update',
                                                                      fields=fields)], user=user)
                result = outcome.results[0]
                if result.status == 'rejected':
                    raise DomainError(result.detail or 'Not saved.')

            async def duplicate(summary: dict[str, Any]) -> None:
                await lists.duplicate(summary['id'], user=user)
                ui.notify(f'Duplicated {summary["name"]}', type='positive')
                content.refresh()

            async def delete(summary: dict[str, Any]) -> None:
                await lists.delete(summary['id'], user=user)
                ui.notify(f'Moved {summary["name"]} to the bin', type='info')
                content.refresh()

            async def restore(summary: dict[str, Any]) -> None:
                await lists.restore(summary['id'], user=user)
                content.refresh()

            content()
        return None


def dates(summary: dict[str, Any]) -> str:
    start, end = summary.get('start_date'), summary.get('end_date')
    if start and end:
        return f'{start} → {end}'
    return start or end or ''
