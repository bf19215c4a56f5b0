"""Page chrome: a header with the app name, the page title, the notification bell and the account menu."""
import json
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
  @media (max-width: 599px) {
    .nicegui-content { padding: 0; }
    .tp-main { padding: 8px; }
    .q-header.tp-header { padding-top: 0; padding-bottom: 0; }
    .tp-header .q-btn, .tp-list-head .q-btn { min-width: 44px; min-height: 44px; }
    .tp-header a { min-height: 44px; }
    /* Share shows its icon only; Quasar's `.block` is `!important` inside a cascade layer, so it is clipped away */
    .tp-share .q-btn__content > .block { position: absolute; width: 1px; height: 1px; overflow: hidden;
      clip-path: inset(50%); white-space: nowrap; }
    .tp-share { padding: 0 10px; }
    .tp-share .q-icon.on-left { margin: 0; }
  }
</style>
'''

# Signing out leaves this browser's queued changes behind until the same person signs in again: ask first.
SIGN_OUT = '''(async () => {
  let queued = 0;
  try {
    const { queuesOf } = await import("travelpack-item-table/outbox.js");
    queued = Object.values(await queuesOf(%s)).reduce((a, b) => a + b, 0);
  } catch (error) { console.warn("could not read the outbox", error); }
  const what = queued === 1 ? "1 change is" : `${queued} changes are`;
  if (queued && !confirm(`${what} not saved yet: they sync when you sign in again in this browser. Sign out anyway?`)) {
    return;
  }
  window.location.href = "/signout";
})();'''


@contextmanager
def frame(title: str, user: User | None = None) -> Iterator[ui.column]:
    """Every page looks the same around its content; the content goes inside the yielded column."""
    ui.add_head_html(STYLE)
    ui.page_title(f'{title} · TravelPack' if title != 'TravelPack' else title)
    with ui.header(elevated=False).classes('tp-header bg-white text-black items-center px-3 py-1 border-b'):
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
                ui.menu_item('Sign out', on_click=lambda: ui.run_javascript(SIGN_OUT % json.dumps(user.id)))
            lazy_menu(ui.button(icon='account_circle').props('flat round dense aria-label="Account"'), account_menu)
    with ui.column().classes('tp-main gap-2 sm:gap-3') as main:
        yield main
