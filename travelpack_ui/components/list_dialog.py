"""The dialog that creates a packing list or edits its details (name, destination, dates)."""
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui
from pydantic import ValidationError

from models import validation_sentence
from travelpack_ui.core.errors import DomainError


def list_dialog(summary: dict[str, Any] | None, *, on_save: Callable[[dict[str, Any]], Awaitable[Any]],
                on_saved: Callable[[Any], Any]) -> None:
    """`on_save(fields)` writes (a refusal is shown and the dialog stays open); `on_saved(result)` runs once the
    dialog is closed, so that re-rendering or leaving the page never pulls the dialog from under its own handler."""
    known = summary or {}
    with ui.dialog() as dialog, ui.card().classes('w-96'):
        ui.label('Rename list' if summary else 'New packing list').classes('text-lg font-bold')
        name = ui.input('Name', value=known.get('name', '')).props('autofocus').classes('w-full').mark('list-name')
        destination = ui.input('Destination', value=known.get('destination') or '').classes('w-full')
        start = ui.input('Start date', value=known.get('start_date') or '').props('type=date').classes('w-full')
        end = ui.input('End date', value=known.get('end_date') or '').props('type=date').classes('w-full')

        async def save() -> None:
            fields = {'name': name.value, 'destination': destination.value or None,
                      'start_date': start.value or None, 'end_date': end.value or None}
            try:
                result = await on_save(fields)
            except ValidationError as error:
                ui.notify(validation_sentence(error), type='negative')
                return
            except DomainError as error:
                ui.notify(error.detail, type='negative')
                return
            dialog.close()
            on_saved(result)
        name.on('keydown.enter', save)
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Save' if summary else 'Create', on_click=save).props('unelevated color=primary') \
                .mark('save-list')
    dialog.open()
