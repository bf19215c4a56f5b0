"""Wait for a condition instead of sleeping: the one polling loop of the test suite."""
import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

POLL_S = 0.02  # short enough not to slow a test down, long enough not to starve the server under test


async def eventually(condition: Callable[[], Any | Awaitable[Any]], timeout: float = 5.0, *,
                     message: str = '') -> Any:
    """Poll `condition` (a plain or async callable) until it returns something truthy, and return that.

    Background work (a mail sent, an event handled, a push to the room) finishes at its own pace; asking again
    every few milliseconds keeps a test as fast as the app and tells what did not happen when it fails.
    """
    deadline = time.monotonic() + timeout
    while True:
        result: Any = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(message or f'condition not met within {timeout} s: {_describe(condition)}')
        await asyncio.sleep(POLL_S)


def _describe(condition: Callable[..., Any]) -> str:
    try:
        return inspect.getsource(condition).strip()
    except (OSError, TypeError):
        return repr(condition)
