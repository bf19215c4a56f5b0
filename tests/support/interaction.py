"""Act on one particular element the way the browser would, through NiceGUI's public testing API, and wait for
the handlers to finish.

`user.find(...).click()` acts on every match of a query, and `.trigger()` starts async handlers as background
tasks without waiting for them. Tests that forge an event and then check that nothing changed must know the
handler has run, so these helpers wait for the tasks the event started (found through `background_tasks`,
NiceGUI's public registry of running tasks) instead of reaching into an element's listeners.
"""
import asyncio
from collections.abc import Callable
from typing import Any

from nicegui import background_tasks, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

HANDLER_TIMEOUT_S = 10.0


async def trigger(user: User, element: ui.element, event: str, args: Any = None) -> None:
    """Send `event` with `args` from `user`'s tab to `element` (what the browser emits, or what a forger could)."""
    await _settled(lambda: UserInteraction(user, {element}, None).trigger(event, args))


async def click(user: User, element: ui.element) -> None:
    """Click this one element of `user`'s tab."""
    await _settled(lambda: UserInteraction(user, {element}, None).click())


async def _settled(act: Callable[[], object]) -> None:
    before = set(background_tasks.running_tasks)
    act()
    started = background_tasks.running_tasks - before
    if not started:
        return
    _, pending = await asyncio.wait(started, timeout=HANDLER_TIMEOUT_S)
    assert not pending, f'event handlers still running after {HANDLER_TIMEOUT_S} s: {pending}'
