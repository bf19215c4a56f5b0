"""Who is here: avatar circles with initials and a stable color, a name on hover, "+N" past a handful."""
from typing import Any

from nicegui import ui

SHOWN = 5


class avatar_stack(ui.row):
    """Re-rendered when who is here changes; your own tabs count once (the room keys by user)."""

    def __init__(self) -> None:
        super().__init__(wrap=False)
        self.classes('items-center gap-0').mark('presence')
        self.props['data-testid'] = 'presence'
        self.users: list[dict[str, Any]] = []

    def show(self, users: list[dict[str, Any]]) -> None:
        """Show these people (the room tells only when who is here changed, not when someone's focus moves)."""
        if users == self.users:
            return
        self.users = users
        self.clear()
        with self:
            for user in users[:SHOWN]:
                with ui.element('div').classes('rounded-full text-white text-xs font-bold flex items-center '
                                               'justify-center border-2 border-white -ml-1') \
                        .style(f'background:{user["color"]};width:30px;height:30px') \
                        .mark(f'avatar-{user["id"]}') as circle:
                    circle.props.update({'role': 'img', 'aria-label': user['display_name']})
                    ui.label(user['initials'])
                    ui.tooltip(user['display_name'])
            if len(users) > SHOWN:
                ui.label(f'+{len(users) - SHOWN}').classes('ml-1 text-sm text-gray-600')

