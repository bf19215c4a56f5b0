"""Running a service call from a handler, and asking first: a refusal becomes a notification, never a stack trace."""
from collections.abc import Awaitable
from typing import Any

from nicegui import ui

from travelpack_ui.core.errors import DomainError


async def attempt(action: Awaitable[Any], success: str | None = None) -> Any:
    """Run a service call from a handler: a refusal becomes a notification, never a stack trace."""
    try:
        result = await action
    except DomainError as error:
        ui.notify(error.detail, type='negative')
        return None
    if success:
        ui.notify(success, type='positive')
    return result if result is not None else True


async def confirmed(question: str) -> bool:
    """Yes or no in a dialog, for what cannot be undone with a click (removing someone, leaving, a transfer)."""
    with ui.dialog() as dialog, ui.card():
        ui.label(question)
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat')
            ui.button('Yes', on_click=lambda: dialog.submit(True)).props('unelevated color=primary').mark('confirm')
    answer = bool(await dialog)
    dialog.delete()
    return answer
