"""Who is in one room and which item each of them focuses, told to everyone at most once per interval.

Presence changes with every tab that opens, drops or moves its focus; pushing each change to every connection
would cost O(connections²). One message per interval for everyone keeps it O(connections).
"""
import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Visitor:
    """One user in one room: their profile, their tabs and sockets, and what each of those focuses."""
    user: dict[str, Any]
    connections: set[str] = field(default_factory=set)
    focus: dict[str, str | None] = field(default_factory=dict)  # connection -> item id

    def item_id(self) -> str | None:
        return next((item for item in reversed(list(self.focus.values())) if item), None)


class Presence:
    """The visitors of one room; calls `push` with `users()` after changes, throttled to one call per interval.

    With several processes, `hear` takes in who is on the list in another process (announced through PostgreSQL);
    an announcement lasts `ttl` seconds unless repeated, so a process that dies leaves no ghosts behind.
    """

    def __init__(self, push: Callable[[list[dict[str, Any]]], None], *, interval: float) -> None:
        self.visitors: dict[str, Visitor] = {}
        self.elsewhere: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        """Process id -> (when its announcement expires, its users)."""
        self._push = push
        self._interval = interval
        self._due: asyncio.TimerHandle | None = None
        self._last = 0.0

    def arrive(self, connection: str, user: dict[str, Any]) -> None:
        visitor = self.visitors.setdefault(user['id'], Visitor(user=user))
        visitor.connections.add(connection)
        self._changed()

    def leave(self, connection: str, user_id: str) -> None:
        visitor = self.visitors.get(user_id)
        if visitor is None:
            return
        visitor.connections.discard(connection)
        visitor.focus.pop(connection, None)
        if not visitor.connections:
            del self.visitors[user_id]
        self._changed()

    def focus(self, connection: str, user_id: str, item_id: str | None) -> None:
        visitor = self.visitors.get(user_id)
        if visitor is None or visitor.focus.get(connection) == item_id:
            return
        visitor.focus[connection] = item_id
        self._changed()

    def hear(self, origin: str, users: list[dict[str, Any]], *, ttl: float) -> None:
        """Who is on this list in process `origin` (an empty list: nobody any more)."""
        if users:
            self.elsewhere[origin] = (time.monotonic() + ttl, users)
        elif self.elsewhere.pop(origin, None) is None:
            return
        self._changed()

    def adopt(self, other: 'Presence') -> None:
        """Take what `other` heard from other processes and still holds (a room opening or closing hands it over)."""
        now = time.monotonic()
        for key, (until, users) in other.elsewhere.items():
            if until > now:
                self.hear(key, users, ttl=until - now)

    def forget(self, process: str) -> None:
        """That process stopped: nobody is on the list through it any more (its announcements are `process/part`)."""
        for key in [k for k in self.elsewhere if k.startswith(f'{process}/')]:
            self.hear(key, [], ttl=0)

    def expire(self) -> None:
        """Forget the announcements of processes that stopped repeating them."""
        now = time.monotonic()
        gone = [origin for origin, (until, _) in self.elsewhere.items() if until < now]
        for origin in gone:
            del self.elsewhere[origin]
        if gone:
            self._changed()

    def here(self) -> list[dict[str, Any]]:
        """The users of this process's own tabs and sockets, once each, with the item they focus last."""
        return [{**v.user, 'item_id': v.item_id()} for v in self.visitors.values()]

    def users(self) -> list[dict[str, Any]]:
        """Everyone on the list in any process, once, however many tabs they have."""
        users = self.here()
        seen = {user['id'] for user in users}
        for _, others in self.elsewhere.values():
            for user in others:
                if user['id'] not in seen:
                    seen.add(user['id'])
                    users.append(user)
        return users

    def user_ids(self) -> set[str]:
        """The ids of everyone on the list in any process (who is not away)."""
        ids = set(self.visitors)
        for _, others in self.elsewhere.values():
            ids.update(user['id'] for user in others)
        return ids

    def close(self) -> None:
        if self._due is not None:
            self._due.cancel()

    def _changed(self) -> None:
        if self._due is not None:
            return
        wait = max(0.0, self._last + self._interval - time.monotonic())
        self._due = asyncio.get_running_loop().call_later(wait, self._send)

    def _send(self) -> None:
        self._due = None
        self._last = time.monotonic()
        self._push(self.users())
