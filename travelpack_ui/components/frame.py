"""Page chrome: a header with the app name, the page title, the notification bell and the account menu."""
from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import app, ui

from models import User
from travelpack_ui.components.bell import notification_bell
from travelpack_ui.components.lazy_menu import lazy_menu

STYLE = '''
<style>
  body { background: #f6f7f9; }
  .tp-main { width: 100%; max-width: 1100px; margin: 0 auto; padding: 12px; }
  @media (max-width: 600px) { .tp-main { padding: 6px; } }
</style>
'''


@contextmanager
def frame(title: str, user: User | None = None) -> Iterator[ui.column]:
    """Every page looks the same around its content; the content goes inside the yielded column."""
    ui.add_head_html(STYLE)
    ui.page_title(f'{title} · TravelPack' if title != 'TravelPack' else title)
    with ui.header(elevated=False).classes('bg-white text-black items-center px-3 py-1 border-b'):
        with ui.link(target='/').classes('flex items-center gap-1 no-underline text-black').mark('home-link'):
            ui.icon('luggage', size='sm').classes('text-primary')
            ui.label('TravelPack').classes('text-lg font-bold')
        ui.space()
        if user is not None:
            # the object graph `main.py` put on the app: every page's frame gets the bell without each page passing
            # the service along (and so no page can forget it)
            notification_bell(app.state.travelpack.notifications, user)

            def account_menu() -> None:
                ui.menu_item(user.display_name).props('disable')
                ui.menu_item('Profile', on_click=lambda: ui.navigate.to('/profile'))
                ui.menu_item('Sign out', on_click=lambda: ui.navigate.to('/signout'))
            lazy_menu(ui.button(icon='account_circle').props('flat round dense aria-label="Account"'), account_menu)
    with ui.column().classes('tp-main gap-3') as main:
        yield main
