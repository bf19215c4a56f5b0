"""Last-seen marks: when each member last had a list open, in the database, so any process can tell who is away.

A tab or socket touches its mark when it joins and leaves; while it stays open, the scheduler touches the marks of
everyone present in this process's rooms once per pass, which keeps them fresh without a timer per tab. A change
counts as seen when it is older than the member's mark.
"""
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session

from models import ListMember, table_of, utcnow
from travelpack_ui.core.writer import Writer
from travelpack_ui.live.rooms import Rooms

_MEMBERS = table_of(ListMember)
MARK = (update(_MEMBERS)
        .where(_MEMBERS.c.list_id == bindparam('mark_list'), _MEMBERS.c.user_id == bindparam('mark_user'))
        .values(last_seen_at=bindparam('mark_at', type_=_MEMBERS.c.last_seen_at.type)))
"""One member's mark, run once for every (list, person) present: one statement, compiled once, executed many."""


class SeenMarks:
    """Writes `ListMember.last_seen_at` for the people looking at a list now."""

    def __init__(self, writer: Writer, clock: Callable[[], datetime] = utcnow) -> None:
        self.writer = writer
        self.clock = clock

    async def touch(self, list_id: str, user_ids: Iterable[str]) -> None:
        """`user_ids` are looking at `list_id` now (they joined, left, or are still there)."""
        people = sorted(set(user_ids))
        if people and not self.writer.closed:  # a tab closed by the shutdown itself
            await self.writer.run(lambda session: self._mark(session, {list_id: people}))

    async def touch_open(self, rooms: Rooms) -> None:
        """Everyone with a tab or socket on a list of this process is looking at it now."""
        present = {list_id: sorted(room.presence.visitors) for list_id, room in list(rooms.rooms.items())
                   if room.presence.visitors}
        if present:
            await self.writer.run(lambda session: self._mark(session, present))

    def _mark(self, session: Session, present: dict[str, list[str]]) -> None:
        """All marks in one executemany: a pass over 100 open lists, an UPDATE with its own IN list for each, held
        the writer for 50 ms (42 ms of CPU) while every click waited (bench/fanout.py scenario c)."""
        now = self.clock()
        rows = [{'mark_list': list_id, 'mark_user': user_id, 'mark_at': now}
                for list_id, people in present.items() for user_id in people]
        if rows:  # an executemany of nothing would run the statement once, without its parameters
            session.connection().execute(MARK, rows)
