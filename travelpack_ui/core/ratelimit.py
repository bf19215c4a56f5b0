"""Rate limits: sliding windows per address or account counted in the database, token buckets per connection.

Limits per address or per account must hold across every process (a second process must not grant a fresh
allowance), so `RateLimiter` counts its hits in the `rate_hit` table, through the one writer (SQLite takes one
writer at a time; on PostgreSQL an advisory lock per key serialises processes counting the same key). Limits per
connection (`TokenBucket`, socket floods) stay in memory: a connection lives in one process.
"""
import hashlib
import time
from collections.abc import Callable

from sqlalchemy import delete, func, text
from sqlmodel import Session, col, select

from models import RateHit
from travelpack_ui.core.errors import TooMany
from travelpack_ui.core.writer import Writer


class RateLimiter:
    """At most `limit` hits per `window` seconds per key, counted in the database for every process."""

    def __init__(self, writer: Writer, scope: str, limit: int, window: float, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.writer = writer
        self.scope = scope
        self.limit = limit
        self.window = window
        self.clock = clock  # wall clock: processes share it, a monotonic clock is per machine and boot

    async def hit(self, key: str, what: str = 'requests') -> None:
        """Count one hit for `key`; raise TooMany (with the seconds to wait) once the limit is reached."""
        bucket = hashlib.sha256(f'{self.scope}\0{key}'.encode()).hexdigest()
        wait = await self.writer.run(lambda session: self._count(session, bucket, self.clock()))
        if wait is not None:
            raise TooMany(f'Too many {what}; please try again in {int(wait) + 1} seconds.', retry_after=int(wait) + 1)

    def _count(self, session: Session, bucket: str, now: float) -> float | None:
        """Prune this limiter's old hits, then count `bucket`'s: the seconds to wait, or None and one more hit."""
        if not self.writer.db.is_sqlite:  # two processes counting one key must not both take its last hit
            session.execute(text('SELECT pg_advisory_xact_lock(hashtext(:bucket))'), {'bucket': bucket})
        session.execute(delete(RateHit).where(col(RateHit.scope) == self.scope, col(RateHit.at) <= now - self.window))
        count, oldest = session.exec(select(func.count(), func.min(RateHit.at)).where(
            col(RateHit.bucket) == bucket, col(RateHit.at) > now - self.window)).one()
        if count >= self.limit:
            return max(0.0, float(oldest) + self.window - now)
        session.add(RateHit(scope=self.scope, bucket=bucket, at=now))
        return None


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
