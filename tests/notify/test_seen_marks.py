"""A scheduler pass marks everyone present on each open list as having seen it now, and nobody else."""
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlmodel import select

from models import ListMember
from models.common import aware
from tests.support.helpers import account_of, create_list, services
from tests.support.sharing import join
from travelpack_ui.notify.seen import SeenMarks

NOW = datetime(2031, 5, 4, 12, 30, tzinfo=UTC)


def open_rooms(present: dict[str, set[str]]) -> Any:
    """What `touch_open` reads of the rooms: who is present on each open list."""
    return SimpleNamespace(rooms={list_id: SimpleNamespace(presence=SimpleNamespace(visitors=visitors))
                                  for list_id, visitors in present.items()})


def marks() -> dict[tuple[str, str], datetime | None]:
    with services().db.read() as session:
        return {(m.list_id, m.user_id): m.last_seen_at for m in session.exec(select(ListMember))}


async def test_a_pass_marks_exactly_the_people_present_on_each_open_list(client, ana, ben, stranger) -> None:
    lisbon, porto, faro = [(await create_list(client, ana, name))['id'] for name in ('Lisbon', 'Porto', 'Faro')]
    await join(client, ana, lisbon, ben, 'editor')
    await join(client, ana, porto, ben, 'viewer')
    await join(client, ana, porto, stranger, 'editor')
    owner, other, third = (account_of(h).id for h in (ana, ben, stranger))
    before = marks()

    await SeenMarks(services().writer, clock=lambda: NOW).touch_open(
        open_rooms({lisbon: {owner, other}, porto: {other}, faro: set()}))

    after = marks()
    marked = {key for key, seen in after.items() if seen is not None and aware(seen) == NOW}
    assert marked == {(lisbon, owner), (lisbon, other), (porto, other)}
    assert {key: after[key] for key in after if key not in marked} == {key: before[key] for key in after
                                                                       if key not in marked}
    assert (porto, third) in after and (faro, owner) in after  # members who were not there keep their marks
