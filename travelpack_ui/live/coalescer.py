"""Burst coalescing for one room: push each commit at once while commits are sparse, once per window in a burst.

A tab costs the server per push, not per change, so a burst of commits (a script importing 500 items one request
at a time, ten people ticking boxes) is sent as a few batches instead of hundreds of messages, while a single click
still shows at once. A commit of many changes (a replayed outbox, 50 ops per transaction) is one push already, so
it costs one token: it never makes a burst of its own, and the other tabs' clicks are not held back behind it.
"""
import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from travelpack_ui.core.ratelimit import TokenBucket
from travelpack_ui.lists.applier import Change

BURST_TOKENS = 30.0  # commits pushed one by one before a burst is coalesced
REFILL_PER_S = 25.0  # a steady rate below this is never coalesced (the 20 changes/s of the benchmarks)


@dataclass
class Batch:
    """What one push carries: the changes after `from_version` up to `version`, and their activity entries."""
    from_version: int
    version: int
    changes: list[dict[str, Any]]
    activity: list[dict[str, Any]]


class Coalescer:
    """Collects a room's committed changes and hands them to `push` in batches, in commit order."""

    def __init__(self, version: int, push: Callable[[Batch], None], *, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._push = push
        self._window = window
        self._bucket = TokenBucket(BURST_TOKENS, REFILL_PER_S, clock=clock)
        self._bursting = False
        self._changes: list[dict[str, Any]] = []
        self._activity: list[dict[str, Any]] = []
        self._from = self._version = version
        self._handle: asyncio.Handle | None = None

    def add(self, changes: list[Change]) -> None:
        """Queue the changes of one commit (newer than any queued before) and schedule their push."""
        for change in changes:
            self._changes.append(change.wire())
            if change.activity:
                self._activity.append(change.activity)
            self._version = change.version
        if changes:
            self._schedule()

    def reset(self, version: int) -> None:
        """Forget what is queued: the room starts again from a snapshot at `version`, which holds it all."""
        self.close()
        self._handle = None
        self._changes, self._activity = [], []
        self._from = self._version = version

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()

    def _schedule(self) -> None:
        """Every commit spends a token, pushed at once or not, so a sustained burst stays a burst until the rate
        really drops (hysteresis: the bucket must refill completely before pushes go out at once again)."""
        self._bucket.refill()
        if self._bursting and self._bucket.full:
            self._bursting = False
        self._bucket.spend(1)
        if self._bucket.in_debt:
            self._bursting = True
        if self._handle is not None:
            return
        loop = asyncio.get_running_loop()
        if self._bursting:
            self._handle = loop.call_later(self._window, self._flush)
        else:
            self._handle = loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._handle = None
        if not self._changes:
            return
        batch = Batch(self._from, self._version, self._changes, self._activity)
        self._changes, self._activity, self._from = [], [], self._version
        self._push(batch)
