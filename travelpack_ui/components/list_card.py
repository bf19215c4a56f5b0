"""A packing list on "My lists": name, destination and dates, who shared it, progress; the owner's actions."""
from collections.abc import Callable
from typing import Any

from nicegui import ui

Action = Callable[[dict[str, Any]], Any]


def list_card(summary: dict[str, Any], *, on_rename: Action, on_duplicate: Action, on_delete: Action) -> None:
    """A click opens the list; only its owner gets the actions menu (the service re-checks anyway)."""
    with ui.card().classes('w-full cursor-pointer').mark('list-card') as card:
        card.on('click', lambda: ui.navigate.to(f'/lists/{summary["id"]}'))
        with ui.row().classes('w-full items-center no-wrap'):
            with ui.column().classes('gap-0 grow'):
                ui.label(summary['name']).classes('text-lg font-medium')
                details = [summary.get('destination') or '', dates(summary)]
                ui.label(' · '.join(d for d in details if d)).classes('text-gray-600')
                if summary['role'] != 'owner':
                    owner = (summary.get('owner') or {}).get('display_name', '')
                    ui.label(f'Shared by {owner} · you are {summary["role"]}').classes('text-sm')
            if summary['role'] == 'owner':
                # click.stop: opening the menu must not also open the list underneath
                actions = ui.button(icon='more_vert').props('flat round').on('click.stop', lambda: None)
                actions.props['aria-label'] = f'Actions for {summary["name"]}'
                with actions, ui.menu():
                    ui.menu_item('Rename', on_click=lambda: on_rename(summary))
                    ui.menu_item('Duplicate', on_click=lambda: on_duplicate(summary))
                    ui.menu_item('Delete', on_click=lambda: on_delete(summary))
        total, packed = summary['item_count'], summary['packed_count']
        ui.linear_progress(value=packed / total if total else 0, show_value=False).props('rounded')
        ui.label(f'{packed} / {total} packed').classes('text-sm text-gray-600')


def dates(summary: dict[str, Any]) -> str:
    start, end = summary.get('start_date'), summary.get('end_date')
    if start and end:
        return f'{start} → {end}'
    return start or end or ''
