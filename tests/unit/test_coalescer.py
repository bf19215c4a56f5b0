"""A room's pushes: at once while changes are sparse, one per window while a burst lasts, and a burst ends only
when the bucket has refilled completely (hysteresis). The bucket runs on a fake clock; the window is real."""
import asyncio
from collections.abc import Callable

from travelpack_ui.core.ratelimit import TokenBucket
from travelpack_ui.lists.applier import Change
from travelpack_ui.live.coalescer import BURST_TOKENS, REFILL_PER_S, Batch, Coalescer

WINDOW = 0.05


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def changes(first: int, count: int) -> list[Change]:
    return [Change('l', v, 'item.update', {'id': f'i{v}'}, {'id': 'u'},
                   activity={'id': str(v)} if v % 2 else None) for v in range(first, first + count)]


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError('condition never held')


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_sparse_changes_go_out_at_once_and_a_burst_once_per_window() -> None:
    clock, batches = Clock(), list[Batch]()
    coalescer = Coalescer(10, batches.append, window=WINDOW, clock=clock)
    coalescer.add(changes(11, 1))
    await settle()
    assert batches == [Batch(10, 11, [changes(11, 1)[0].wire()], [{'id': '11'}])]

    for version in range(12, 41):  # 30 commits on the frozen clock: the bucket is empty, not yet in debt
        coalescer.add(changes(version, 1))
    await settle()
    assert batches[-1].from_version == 11 and batches[-1].version == 40
    coalescer.add(changes(41, 5))  # in debt: a burst, held back for the window
    coalescer.add(changes(46, 5))
    await settle()
    assert batches[-1].version == 40
    await until(lambda: batches[-1].version == 50)
    assert batches[-1].from_version == 40 and len(batches[-1].changes) == 10
    assert [c['version'] for b in batches for c in b.changes] == list(range(11, 51))
    coalescer.close()


async def test_a_burst_lasts_until_the_bucket_is_full_again() -> None:
    clock, batches = Clock(), list[Batch]()
    coalescer = Coalescer(0, batches.append, window=WINDOW, clock=clock)
    for version in range(1, 61):  # 60 commits at once: as deep in debt as it goes, -BURST_TOKENS
        coalescer.add(changes(version, 1))
    await until(lambda: len(batches) == 1)
    clock.now += (2 * BURST_TOKENS - 1) / REFILL_PER_S  # refilled to just under full: still a burst
    coalescer.add(changes(61, 1))
    await settle()
    assert len(batches) == 1
    await until(lambda: len(batches) == 2)
    clock.now += 60.0
    coalescer.add(changes(62, 1))  # full again: at once
    await settle()
    assert len(batches) == 3 and batches[-1].version == 62
    coalescer.close()


async def test_a_commit_of_many_changes_is_one_push_and_never_a_burst_by_itself() -> None:
    """A replayed outbox commits 50 ops at a time: each commit goes out at once, so another tab's click that
    commits between two of them is not held back for a window."""
    clock, batches = Clock(), list[Batch]()
    coalescer = Coalescer(0, batches.append, window=60.0, clock=clock)
    for first in range(1, 501, 50):
        coalescer.add(changes(first, 50))
        await settle()
        assert batches[-1].version == first + 49  # out at once, not after the (here endless) window
    assert len(batches) == 10
    coalescer.close()


def test_a_token_bucket_may_go_into_debt_down_to_minus_its_burst() -> None:
    clock = Clock()
    bucket = TokenBucket(3, 1.0, clock=clock)
    assert bucket.full and not bucket.in_debt
    bucket.spend(10)
    assert bucket.tokens == -3 and bucket.in_debt and not bucket.take()
    clock.now += 4
    bucket.refill()
    assert bucket.tokens == 1 and bucket.take() and not bucket.take()
    clock.now += 100
    bucket.refill()
    assert bucket.full and bucket.tokens == 3
