"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when TRAVELPACK_TEST_POSTGRES_URL is set), a real
SMTP server, and settings that point the app at both."""
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.helpers import api_sign_in
from tests.support.mailbox import Mailbox
from tests.support.simulated_browsers import route_by_page

POSTGRES_URL = os.environ.get('TRAVELPACK_TEST_POSTGRES_URL', '')


@pytest.fixture(scope='session')
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture(scope='session')
def postgres_database() -> Iterator[str | None]:
    """One fresh PostgreSQL database for the whole run, dropped at the end."""
    if not POSTGRES_URL:
        yield None
        return
    name = f'travelpack_test_{uuid.uuid4().hex[:10]}'
    admin = create_engine(POSTGRES_URL, isolation_level='AUTOCOMMIT')
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE {name}'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(tmp_path, postgres_database: str | None) -> str:
    if postgres_database is None:
        return f'sqlite:///{tmp_path / "test.db"}'
    engine = create_engine(postgres_database, isolation_level='AUTOCOMMIT')
    with engine.connect() as connection:
        connection.execute(text('DROP SCHEMA public CASCADE'))
        connection.execute(text('CREATE SCHEMA public'))
    engine.dispose()
    return postgres_database


@pytest.fixture(autouse=True)
def travelpack_env(monkeypatch: pytest.MonkeyPatch, tmp_path, database_url: str, mailbox: Mailbox) -> None:
    """Settings for the app that `main.py` builds in each test (NiceGUI re-runs it per test)."""
    mailbox.messages.clear()
    for key in [k for k in os.environ if k.startswith('TRAVELPACK_') and k != 'TRAVELPACK_TEST_POSTGRES_URL']:
        monkeypatch.delenv(key)
    env = {
        'TRAVELPACK_DATA_DIR': str(tmp_path / 'data'),
        'TRAVELPACK_DATABASE_URL': database_url,
        'TRAVELPACK_BASE_URL': 'http://test',
        'TRAVELPACK_SMTP_HOST': '127.0.0.1',
        'TRAVELPACK_SMTP_PORT': str(mailbox.port),
        'TRAVELPACK_SMTP_STARTTLS': 'false',
        'TRAVELPACK_MAIL_FROM': 'TravelPack <no-reply@travelpack.test>',
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)  # no stray .env of the developer's


@pytest.fixture(autouse=True)
def simulated_browsers_by_page() -> Iterator[None]:
    """With several simulated browsers, page functions reach the browser of the page that calls them."""
    yield from route_by_page()


@pytest.fixture
async def client(user):
    """An HTTP client against the app that `main.py` built for this test."""
    return user.http_client


@pytest.fixture
def server(tmp_path, database_url: str, mailbox: Mailbox):
    """A real server (`python main.py`) on a free port, mailing to the test SMTP server, with a fresh database."""
    from tests.support.live import live_server
    env = {'TRAVELPACK_DATABASE_URL': database_url, 'TRAVELPACK_SMTP_HOST': '127.0.0.1',
           'TRAVELPACK_SMTP_PORT': str(mailbox.port), 'TRAVELPACK_SMTP_STARTTLS': 'false'}
    with live_server(tmp_path / 'live', env=env) as running:
        yield running


@pytest.fixture
async def ana(client, mailbox: Mailbox) -> dict[str, str]:
    """API headers of Ana, signed in through a mailed link (she owns the lists she creates)."""
    return await api_sign_in(client, mailbox, 'ana@example.com')


@pytest.fixture
async def ben(client, mailbox: Mailbox) -> dict[str, str]:
    return await api_sign_in(client, mailbox, 'ben@example.com')


@pytest.fixture
async def stranger(client, mailbox: Mailbox) -> dict[str, str]:
    """Someone with an account who was never given access to anyone's list."""
    return await api_sign_in(client, mailbox, 'eve@example.com')
