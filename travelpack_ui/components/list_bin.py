"""The bin on "My lists": deleted lists, each with "Restore", until they are purged."""
from collections.abc import Callable
from typing import Any

from nicegui import ui


def list_bin(binned: list[dict[str, Any]], *, days: int, on_restore: Callable[[dict[str, Any]], Any]) -> None:
    """Nothing at all when the bin is empty; folded by default, since it is rarely what one came for."""
    if not binned:
        return
    with ui.expansion(f'Bin ({len(binned)})', icon='delete').classes('w-full mt-4').mark('bin'):
        ui.label(f'Deleted lists stay here for {days} days.').classes('text-gray-600')
        for summary in binned:
            with ui.row().classes('items-center w-full'):
                ui.label(summary['name'])
                ui.space()
                ui.button('Restore', on_click=lambda s=summary: on_restore(s)).props('flat') \
                    .mark(f'restore-{summary["name"]}')
