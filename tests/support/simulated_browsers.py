"""Several simulated browsers in one test: `ui.navigate`, `ui.notify` and `ui.download` reach the right one.

NiceGUI's simulated `User` (nicegui/testing/user.py) points those module-level functions at whichever `User` had
an attribute read last, even by NiceGUI itself (its outbox reads `javascript_rules` for every `run_javascript` a
page sends). So with two people in a test, a handler that navigates after an `await` can send the *other* person
to the page: a flaky test that says nothing about the app. In a real browser the page's own client is used. This
shim does what the browser does: it resolves each call by the client of the page whose handler runs
(`context.client`). Upstream report to file: "User simulation: ui.navigate/ui.notify are process-global and follow
the last User whose attribute was read; route them by context.client instead".
"""
from collections.abc import Iterator
from typing import Any

from nicegui import context, ui
from nicegui.testing import User

ROUTED = ('navigate', 'notify', 'download')


class _ByPage:
    """Stands in for `ui.<name>`: forwards to that attribute of the `User` whose page the caller runs in."""

    def __init__(self, name: str, users: list[User]) -> None:
        self._name, self._users = name, users

    def _target(self) -> Any:
        try:
            client = context.client
        except RuntimeError:
            client = None
        for user in reversed(self._users):
            if client is not None and object.__getattribute__(user, 'client') is client:
                return object.__getattribute__(user, self._name)
        return object.__getattribute__(self._users[-1], self._name)  # not inside a page: the newest browser

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._target(), attribute)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)


def route_by_page() -> Iterator[None]:
    """Install the shim for one test (a generator for a fixture); NiceGUI's own restores the originals after."""
    users: list[User] = []
    original = User.__getattribute__

    def remember(self: User, name: str) -> Any:
        if self not in users:
            users.append(self)
        if name not in ROUTED:  # NiceGUI's version re-points the globals here: keep ours
            for routed in ROUTED:
                setattr(ui, routed, proxies[routed])
        return object.__getattribute__(self, name)

    proxies = {name: _ByPage(name, users) for name in ROUTED}
    User.__getattribute__ = remember  # type: ignore[method-assign]
    try:
        yield
    finally:
        User.__getattribute__ = original  # type: ignore[method-assign]
