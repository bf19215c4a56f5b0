"""Everyone else's view of sharing: the "People" dialog (who is here, and leaving) and the first-visit welcome.

Each handler calls a part of `Sharing`, which re-checks the caller's role against the latest committed membership.
"""
from typing import Any

from nicegui import background_tasks, ui

from models import Role, User
from travelpack_ui.components.attempt import attempt, confirmed
from travelpack_ui.core.errors import DomainError
from travelpack_ui.services import Services
from travelpack_ui.sharing.service import Sharing

ALLOWS = {
    'owner': 'You own this list: you can change anything and decide who is on it.',
    'editor': 'As an editor you can add, change and pack items, and edit the list\'s details.',
    'viewer': 'As a viewer you can see everything and follow the packing live, but not change anything.',
}


def people_dialog(sharing: Sharing, list_id: str, user: User) -> None:
    """For editors and viewers: who is on the list (names and avatars, no email addresses), and leaving it."""
    try:
        people = sharing.collaborators.of(list_id, user=user)
    except DomainError as error:
        ui.notify(error.detail, type='warning')
        return
    with ui.dialog() as dialog, ui.card().classes('w-96').mark('people-dialog'):
        ui.label('People on this list').classes('text-xl font-bold')
        for person in people:
            with ui.row().classes('items-center no-wrap gap-2').mark(f'person-{person["display_name"]}'):
                avatar(person)
                ui.label(person['display_name'] + (' (you)' if person['user_id'] == user.id else ''))
                ui.label(person['role']).classes('text-gray-600')

        async def leave() -> None:
            if not await confirmed('Leave this list? You need a new invitation to come back.'):
                return
            if await attempt(sharing.collaborators.remove(list_id, user.id, user=user), 'You left the list.'):
                ui.navigate.to('/')
        with ui.row().classes('w-full justify-between'):
            ui.button('Leave list', icon='logout', on_click=leave).props('flat color=negative').mark('leave')
            ui.button('Close', on_click=dialog.close).props('flat')
    dialog.on('hide', dialog.delete)
    dialog.open()


def welcome_dialog(services: Services, list_id: str, user: User) -> ui.dialog | None:
    """Once per member, on their first visit to a list shared with them: who is here, what they may do, how to pack."""
    collaborators = services.sharing.collaborators
    if not collaborators.needs_welcome(list_id, user.id):
        return None
    role = services.lists.role_of(list_id, user.id)
    if role is None:
        return None
    others = [p for p in collaborators.of(list_id, user=user) if p['user_id'] != user.id]
    name = services.lists.snapshot(list_id)['name']
    with ui.dialog() as dialog, ui.card().classes('w-96').mark('welcome'):
        ui.label(f'Welcome to “{name}”').classes('text-xl font-bold')
        if others:
            ui.label('Packing with you:').classes('font-medium')
            for person in others:
                with ui.row().classes('items-center no-wrap gap-2'):
                    avatar(person)
                    ui.label(f'{person["display_name"]} ({person["role"]})')
        ui.label(ALLOWS[role.value]).mark('welcome-role')
        if role != Role.viewer:
            ui.label('To pack an item, tick its checkbox. To add one, type its name in "Add an item" and press '
                     'Enter. Everyone sees changes as they happen.')
        ui.button('Got it', on_click=dialog.close).props('unelevated color=primary').mark('welcome-dismiss')
    dialog.on('hide', dialog.delete)
    dialog.open()
    background_tasks.create(collaborators.mark_welcomed(list_id, user.id), name='mark welcomed')
    return dialog


def avatar(person: dict[str, Any]) -> None:
    with ui.element('div').classes('rounded-full text-white text-xs font-bold flex items-center justify-center') \
            .style(f'background:{person["color"]};width:30px;height:30px;flex:none') as circle:
        circle.props.update({'role': 'img', 'aria-label': person['display_name']})
        ui.label(person['initials'])
