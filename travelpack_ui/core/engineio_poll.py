"""engine.io's per-socket writer, waiting for its next packet without a task per packet.

Each socket's writer in python-engineio (`AsyncSocket.poll`) waits for the next packet with `asyncio.wait_for`,
which on Python 3.11 wraps the wait in a new task every time: one task per message per tab, about a tenth of the
event loop's time when a list fans out to 200 tabs (py-spy, bench/fanout.py scenario b). `asyncio.timeout` bounds
the same wait without a task (Python 3.12's `wait_for` does just that). Same packets, order, timeout and ending.

Upstream report to file (miguelgrinberg/python-engineio): "AsyncSocket.poll: use asyncio.timeout instead of
wait_for on Python >= 3.11". Once released, this module and its one call in `main.py` go.
"""
import asyncio
from typing import Any

from engineio import exceptions
from engineio.async_socket import AsyncSocket


async def poll(self: AsyncSocket) -> list[Any]:
    """`AsyncSocket.poll` of python-engineio 4.x with the first wait bounded by `asyncio.timeout`."""
    try:
        async with asyncio.timeout(self.server.ping_interval + self.server.ping_timeout):
            packets = [await self.queue.get()]
        self.queue.task_done()
    except (TimeoutError, asyncio.CancelledError):
        raise exceptions.QueueEmpty() from None
    if packets == [None]:
        return []
    while True:
        try:
            pkt = self.queue.get_nowait()
            self.queue.task_done()
            if pkt is None:
                self.queue.put_nowait(None)
                break
            packets.append(pkt)
        except asyncio.QueueEmpty:
            break
    return packets


def install() -> None:
    AsyncSocket.poll = poll
