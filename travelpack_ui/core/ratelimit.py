"""Sliding-window rate limits kept in memory (one process serves everything; see DESIGN.md)."""
import time
from collections import deque
from collections.abc import Callable

from travelpack_ui.core.errors import TooMany


class RateLimiter:
    """At most `limit` hits per `window` seconds per key."""

    def __init__(self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str, what: str = 'requests') -> None:
        """Count one hit for `key`; raise TooMany (with the seconds to wait) once the limit is reached."""
        now = self.clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            retry_after = hits[0] + self.window - now
            raise TooMany(f'Too many {what}; please try again in {int(retry_after) + 1} seconds.',
                          retry_after=int(retry_after) + 1)
        hits.append(now)
        if len(self._hits) > 50_000:  # forget idle keys so a flood of addresses cannot grow memory without end
            self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}


class TokenBucket:
    """A burst of `burst` tokens, refilled at `rate` per second.

    `take` is the plain limiter (one per WebSocket message). `spend` lets a caller go into debt, down to
    `-burst`, for work it cannot refuse: a room's coalescer counts every change it pushes that way, so a burst
    keeps the bucket empty for as long as it lasts, and `full` tells when the rate has really dropped.
    """

    def __init__(self, burst: float, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = burst
        self.rate = rate
        self.clock = clock
        self.tokens = float(burst)
        self.stamp = clock()

    def take(self) -> bool:
        """Spend one token if there is one; False (and nothing spent) if not."""
        self.refill()
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def refill(self) -> None:
        """Add what the time since the last call earned, up to `burst`."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def spend(self, count: float) -> None:
        """Spend `count` tokens whether or not they are there (call `refill` first); the debt stops at `-burst`."""
        self.tokens = max(-self.burst, self.tokens - count)

    @property
    def full(self) -> bool:
        return self.tokens >= self.burst

    @property
    def in_debt(self) -> bool:
        return self.tokens < 0
