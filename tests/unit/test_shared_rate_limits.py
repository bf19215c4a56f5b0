"""Limits per address or per account are counted in the database: what one process counted holds in another.

Two `Services` built on one database stand for two `python main.py` processes (SQLite here, PostgreSQL when
TRAVELPACK_TEST_POSTGRES_URL is set); each has its own engines, writer and limiters, and shares only the database.
"""
from collections.abc import Iterator

import pytest
from sqlalchemy import func
from sqlmodel import select

from models import RateHit
from tests.support.mailbox import Mailbox
from travelpack_ui.core.db import Database
from travelpack_ui.core.errors import TooMany
from travelpack_ui.core.ratelimit import RateLimiter
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.writer import Writer
from travelpack_ui.services import Services, build_services


@pytest.fixture
def two_processes() -> Iterator[tuple[Services, Services]]:
    first, second = build_services(Settings()), build_services(Settings())
    yield first, second
    for services in (first, second):
        services.writer.close()
        services.db.dispose()


@pytest.fixture
def writer(database_url: str) -> Iterator[Writer]:
    db = Database(database_url)
    db.migrate()
    writer = Writer(db)
    yield writer
    writer.close()
    db.dispose()


async def test_sign_in_links_refused_on_one_process_are_refused_on_the_other(
        two_processes: tuple[Services, Services], mailbox: Mailbox) -> None:
    first, second = two_processes
    for _ in range(5):
        await first.auth.request_magic_link('ana@example.com', client_ip='192.0.2.7')
    with pytest.raises(TooMany) as refused:
        await second.auth.request_magic_link('ana@example.com', client_ip='192.0.2.7')
    assert refused.value.retry_after > 0
    assert 'sign-in links for this email address' in str(refused.value)
    await second.auth.request_magic_link('ben@example.com', client_ip='192.0.2.7')  # another address is fine
    assert len(mailbox.to('ana@example.com')) == 5


async def test_invitations_counted_by_one_process_count_on_the_other(
        two_processes: tuple[Services, Services]) -> None:
    first, second = two_processes
    for _ in range(5):
        await first.sharing.invitations.per_recipient.hit('ben@example.com', 'invitations to ben@example.com')
    with pytest.raises(TooMany, match='Too many invitations to ben'):
        await second.sharing.invitations.per_recipient.hit('ben@example.com', 'invitations to ben@example.com')


async def test_the_window_slides_and_old_hits_are_pruned(writer: Writer) -> None:
    now = [1_000_000.0]
    limiter = RateLimiter(writer, 'test', 2, 60, clock=lambda: now[0])
    await limiter.hit('ana')
    now[0] += 30
    await limiter.hit('ana')
    with pytest.raises(TooMany) as refused:
        await limiter.hit('ana')
    assert refused.value.retry_after == 31  # the first hit leaves the window in 30 s; rounded up as before
    now[0] += 31
    await limiter.hit('ana')  # the first hit slid out of the window
    now[0] += 120
    await limiter.hit('ben')
    with writer.db.read() as session:
        assert session.exec(select(func.count()).select_from(RateHit)).one() == 1  # only ben's fresh hit is left
