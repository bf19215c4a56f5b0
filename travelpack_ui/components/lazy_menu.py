"""A menu built on first use: every server element costs each open tab memory, and most menus are never opened."""
from collections.abc import Callable

from nicegui import ui


def lazy_menu(button: ui.button, build: Callable[[], None]) -> None:
    """Attach a menu to `button` whose items `build` creates on the first click (then Quasar toggles it itself)."""
    def first_click() -> None:
        if button.default_slot.children:
            return
        with button, ui.menu() as menu:
            build()
        menu.open()
    button.on_click(first_click)
