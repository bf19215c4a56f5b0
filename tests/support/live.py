"""A real TravelPack server in a subprocess (`python main.py`), for WebSocket, browser and load tests."""
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    base_url: str
    port: int
    log_path: Path
    process: subprocess.Popen
    data_dir: Path

    def log(self) -> str:
        return self.log_path.read_text(errors='replace')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(data_dir: Path, *, env: dict[str, str] | None = None, host: str = 'localhost') -> Iterator[LiveServer]:
    """Start `main.py` on a free port with its own data dir; the TRAVELPACK_* variables of `env` win."""
    with live_servers([data_dir], env=env, host=host) as [server]:
        yield server


@contextmanager
def live_servers(data_dirs: Sequence[Path], *, env: dict[str, str] | None = None,
                 host: str = 'localhost') -> Iterator[list[LiveServer]]:
    """Start one `main.py` per data dir, all at once as a cluster's processes start, each on its own free port."""
    servers: list[LiveServer] = []
    try:
        for data_dir in data_dirs:
            servers.append(_start(data_dir, env or {}, host))
        for server in servers:
            _wait_until_up(f'http://127.0.0.1:{server.port}', server.process, server.log_path)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


@contextmanager
def two_processes(data_dir: Path, database_url: str, *, smtp_port: int,
                  env: dict[str, str] | None = None) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two `python main.py` on one PostgreSQL database, started together as `make run-cluster` starts them.

    They share what a deployment's processes share, the database and the secret key; each has its own port, data
    dir and base URL, so a test talks to each process directly. SQLite is one process: the test is skipped there.
    """
    if database_url.startswith('sqlite'):
        pytest.skip('several processes need PostgreSQL; SQLite is one process')
    shared = {'TRAVELPACK_DATABASE_URL': database_url, 'TRAVELPACK_SECRET_KEY': 'one secret for every process',
              'TRAVELPACK_SMTP_HOST': '127.0.0.1', 'TRAVELPACK_SMTP_PORT': str(smtp_port),
              'TRAVELPACK_SMTP_STARTTLS': 'false', **(env or {})}
    with live_servers([data_dir / 'one', data_dir / 'two'], env=shared) as [one, two]:
        yield one, two


@contextmanager
def sibling_database(database_url: str) -> Iterator[str]:
    """A fresh database beside `database_url` on its server, dropped afterwards (a cluster that outlives a test)."""
    name = f'travelpack_cluster_{uuid.uuid4().hex[:10]}'
    admin = create_engine(database_url, isolation_level='AUTOCOMMIT')
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE {name}'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)'))
        admin.dispose()


def _start(data_dir: Path, env: dict[str, str], host: str) -> LiveServer:
    port = free_port()
    base_url = f'http://{host}:{port}'
    child_env = {k: v for k, v in os.environ.items()
                 if not k.startswith(('PYTEST_', 'NICEGUI_')) and not k.startswith('TRAVELPACK_')}
    child_env.update({'TRAVELPACK_HOST': '127.0.0.1', 'TRAVELPACK_PORT': str(port), 'TRAVELPACK_BASE_URL': base_url,
                      'TRAVELPACK_DATA_DIR': str(data_dir), 'PYTHONUNBUFFERED': '1'})
    child_env.update(env)
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / 'server.log'
    with log_path.open('w') as log_file:
        process = subprocess.Popen([sys.executable, str(ROOT / 'main.py')], cwd=data_dir, env=child_env,
                                   stdout=log_file, stderr=subprocess.STDOUT)
    return LiveServer(base_url=base_url, port=port, log_path=log_path, process=process, data_dir=data_dir)


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f'the server exited early:\n{log_path.read_text(errors="replace")}')
        try:
            if httpx.get(f'{url}/signin', timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f'the server did not answer within {timeout} s:\n{log_path.read_text(errors="replace")}')
