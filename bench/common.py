"""Shared benchmark plumbing: a real `python main.py` server, users signed in like a browser, seeded lists.

Everything runs on 127.0.0.1. The server prints sign-in links to its log (no SMTP host), which is how users get in.
"""
import asyncio
import os
import re
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.tabs import page_model, socket_url  # noqa: E402
from tests.support.live import live_server  # noqa: E402
from tests.support.waiting import eventually  # noqa: E402

LINK = re.compile(r'Mail to (\S+): .*? (http\S+/auth/magic\?token=(\S+))')
CLK_TCK = os.sysconf('SC_CLK_TCK')
PAGE_SIZE = os.sysconf('SC_PAGE_SIZE')


def raise_fd_limit() -> None:
    """A thousand sockets on each side need more than the usual 1,024 descriptors."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running `main.py`: where it listens, its process id (for /proc), its log."""
    port: int
    process: subprocess.Popen
    log_path: Path
    data_dir: Path
    links_seen: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    @property
    def origin(self) -> str:
        return f'http://localhost:{self.port}'

    def log(self) -> str:
        return self.log_path.read_text(errors='replace')

    def rss_kb(self) -> int:
        for line in Path(f'/proc/{self.process.pid}/status').read_text().splitlines():
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
        raise RuntimeError('no VmRSS')

    def cpu_s(self) -> float:
        """User + system CPU seconds the server has used so far."""
        return cpu_s(self.process.pid)

    def loop_cpu_s(self) -> float:
        """The same for the main thread alone: the event loop, where the fan-out runs (the op path's writes run
        in a worker thread)."""
        return cpu_s(self.process.pid, self.process.pid)

    def errors(self) -> list[str]:
        """Log lines that look like server-side trouble (tracebacks, errors)."""
        return [line for line in self.log().splitlines()
                if 'Traceback' in line or ' ERROR ' in line or 'Exception' in line]


def cpu_s(pid: int, thread: int | None = None) -> float:
    """User + system CPU seconds process `pid` (or only its `thread`) has used so far, not its children's."""
    stat = Path(f'/proc/{pid}/task/{thread}/stat' if thread else f'/proc/{pid}/stat').read_text()
    fields = stat[stat.rindex(')') + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


@contextmanager
def server(env: dict[str, str] | None = None, keep: bool = False) -> Iterator[Server]:
    """Start the app in a temporary data dir (SQLite) and stop it afterwards (the tests' own live server)."""
    raise_fd_limit()
    data_dir = Path(tempfile.mkdtemp(prefix='tp-bench-'))
    limits = {'TRAVELPACK_MAGIC_LINK_IP_LIMIT': '1000000', 'TRAVELPACK_MAGIC_LINK_EMAIL_LIMIT': '1000'}
    try:
        with live_server(data_dir, env={**limits, **(env or {})}) as running:
            yield Server(port=running.port, process=running.process, log_path=running.log_path, data_dir=data_dir)
    finally:
        if keep:
            print(f'server log kept in {data_dir / "server.log"}')


def tree_cpu_s(pid: int) -> float:
    """`cpu_s` of `pid` and its live descendants: a load process and the node client it drives."""
    try:
        children = [int(child) for task in Path(f'/proc/{pid}/task').iterdir()
                    for child in (task / 'children').read_text().split()]
        return cpu_s(pid) + sum(tree_cpu_s(child) for child in children)
    except (FileNotFoundError, ProcessLookupError):  # it ended meanwhile
        return 0.0


# --- users -----------------------------------------------------------------------------------------------------


@dataclass
class BenchUser:
    email: str
    jwt: str = ''
    cookie: str = ''
    id: str = ''

    @property
    def headers(self) -> dict[str, str]:
        return {'Authorization': f'Bearer {self.jwt}'}


async def magic_token(http: httpx.AsyncClient, srv: Server, email: str) -> str:
    """Ask for a sign-in link and read it from the server log (the mailer logs it when no SMTP host is set)."""
    wanted = srv.links_seen.get(email, 0) + 1
    response = await http.post('/api/auth/magic-link', json={'email': email})
    assert response.status_code == 202, response.text

    def tokens() -> list[str]:
        found = [m.group(3) for m in LINK.finditer(srv.log()) if m.group(1) == email]
        return found if len(found) >= wanted else []
    token = (await eventually(tokens, 10, message=f'no sign-in link for {email} in the server log'))[wanted - 1]
    srv.links_seen[email] = wanted
    return token


async def browser_sign_in(srv: Server, email: str) -> str:
    """Sign a browser in: open the magic link page, connect its socket, press "Sign in"; returns the cookie."""
    async with httpx.AsyncClient(base_url=srv.url) as http:
        token = await magic_token(http, srv, email)
        page = await http.get('/auth/magic', params={'token': token})
        model = page_model(page.text)
        button_id, listener = model.listener(lambda e: e.get('props', {}).get('label') == 'Sign in', 'click')
        cookie = '; '.join(f'{k}={v}' for k, v in http.cookies.items())
        sio = socketio.AsyncClient(reconnection=False)
        navigated = asyncio.Event()
        opened: list[str] = []

        def on_open(message: dict[str, Any]) -> None:
            opened.append(message['path'])
            navigated.set()
        sio.on('open', on_open)
        await sio.connect(socket_url(srv.url, model.client_id), socketio_path='/_nicegui_ws/socket.io',
                          transports=['websocket'], headers={'Cookie': cookie, 'Origin': srv.origin})
        await sio.emit('event', {'id': button_id, 'client_id': model.client_id, 'listener_id': listener,
                                 'args': ['{}']})
        await asyncio.wait_for(navigated.wait(), 10)
        await sio.disconnect()
        await http.get(opened[0], follow_redirects=False)  # /auth/session: the grant becomes the session cookie
        cookie = '; '.join(f'{k}={v}' for k, v in http.cookies.items())
        home = await http.get('/', headers={'Cookie': cookie}, follow_redirects=False)
        assert home.status_code == 200, f'{email} is not signed in ({home.status_code})'
        return cookie


async def sign_in(srv: Server, email: str) -> BenchUser:
    """A user with an API token (for seeding) and a browser session cookie (for tabs)."""
    user = BenchUser(email=email)
    async with httpx.AsyncClient(base_url=srv.url) as http:
        token = await magic_token(http, srv, email)
        response = await http.post('/api/auth/token', json={'token': token})
        assert response.status_code == 200, response.text
        user.jwt = response.json()['access_token']
        user.id = (await http.get('/api/user/me', headers=user.headers)).json()['id']
    user.cookie = await browser_sign_in(srv, email)
    return user


async def sign_in_many(srv: Server, count: int, prefix: str = 'user') -> list[BenchUser]:
    users: list[BenchUser] = []
    for start in range(0, count, 10):
        batch = [sign_in(srv, f'{prefix}{i}@bench.example') for i in range(start, min(count, start + 10))]
        users.extend(await asyncio.gather(*batch))
    return users


# --- lists -----------------------------------------------------------------------------------------------------


async def create_list(srv: Server, owner: BenchUser, name: str, items: int, *, categories: int = 8) -> dict[str, Any]:
    """A list with `items` items spread over a few categories, made through the ops endpoint (500 per batch)."""
    async with httpx.AsyncClient(base_url=srv.url, headers=owner.headers, timeout=60) as http:
        created = await http.post('/api/packing-lists', json={'name': name, 'destination': 'Lisbon'})
        assert created.status_code == 201, created.text
        list_id = created.json()['id']
        category_ids = [str(uuid.uuid4()) for _ in range(categories)]
        ops: list[dict[str, Any]] = [
            {'op_id': str(uuid.uuid4()), 'type': 'category.create', 'id': cid, 'fields': {'name': f'Category {n}'}}
            for n, cid in enumerate(category_ids)]
        ops += [{'op_id': str(uuid.uuid4()), 'type': 'item.create', 'id': str(uuid.uuid4()),
                 'fields': {'name': f'Item number {n} with a plausible name', 'quantity': 1 + n % 3,
                            'category_id': category_ids[n % categories], 'notes': 'pack early' if n % 7 == 0
                            else None}} for n in range(items)]
        for start in range(0, len(ops), 500):
            response = await http.post(f'/api/packing-lists/{list_id}/ops', json={'ops': ops[start:start + 500]})
            assert response.status_code == 200, response.text
            bad = [r for r in response.json()['results'] if r['status'] not in ('applied', 'conflict')]
            assert not bad, bad[:3]
        full = (await http.get(f'/api/packing-lists/{list_id}')).json()
    assert len(full['items']) == items, len(full['items'])
    return full


async def add_members(srv: Server, owner: BenchUser, list_id: str, users: list[BenchUser]) -> str:
    """Make `users` editors of the list: by share link when the API has it, else straight in the database."""
    async with httpx.AsyncClient(base_url=srv.url, timeout=30) as http:
        link = await http.post(f'/api/packing-lists/{list_id}/share-links', json={'role': 'editor'},
                               headers=owner.headers)
        if link.status_code == 201:
            token = link.json()['url'].rstrip('/').rsplit('/', 1)[-1]
            for user in users:
                accepted = await http.post('/api/invitations/accept', json={'token': token}, headers=user.headers)
                assert accepted.status_code == 200, accepted.text
            return 'share link'
    with sqlite3.connect(srv.data_dir / 'travelpack.db', timeout=30) as db:
        db.executemany("INSERT INTO list_member (list_id, user_id, role, added_at, added_by, welcomed) "
                       "VALUES (?, ?, 'editor', CURRENT_TIMESTAMP, ?, 1)",
                       [(list_id, user.id, owner.id) for user in users])
    return f'database insert (share links answered {link.status_code})'


# --- figures ---------------------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    if not values:
        return float('nan')
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary_ms(values_s: list[float]) -> str:
    if not values_s:
        return 'no samples'
    ms = [v * 1000 for v in values_s]
    return f'p50 {pct(ms, 50):.1f} ms  p99 {pct(ms, 99):.1f} ms  max {max(ms):.0f} ms'


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float('nan')


def command_line() -> str:
    return '.venv/bin/python ' + ' '.join(['bench/' + Path(sys.argv[0]).name, *sys.argv[1:]])
