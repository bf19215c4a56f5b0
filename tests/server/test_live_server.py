"""The real server process: start-up defaults, secrets kept out of logs and the repo, origins, headers."""
import stat

import httpx
import pytest
import socketio

from tests.support.live import live_server
from tests.support.mailbox import Mailbox


async def test_secret_key_is_generated_once_with_mode_0600(tmp_path, database_url: str) -> None:
    with live_server(tmp_path / 'live', env={'TRAVELPACK_DATABASE_URL': database_url}):
        pass
    key_file = tmp_path / 'live' / 'secret.key'
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = key_file.read_text()
    with live_server(tmp_path / 'live', env={'TRAVELPACK_DATABASE_URL': database_url}):
        pass
    assert key_file.read_text() == first and len(first) >= 40


async def test_without_smtp_the_link_is_one_log_line_and_tokens_stay_out_of_access_logs(tmp_path) -> None:
    with live_server(tmp_path / 'live') as server:  # the embedded default: SQLite under the data dir, no SMTP
        async with httpx.AsyncClient(base_url=f'http://127.0.0.1:{server.port}') as client:
            assert (await client.post('/api/auth/magic-link', json={'email': 'ana@example.com'})).status_code == 202
            lines = [line for line in server.log().splitlines() if 'Mail to ana@example.com' in line]
            assert len(lines) == 1 and f'{server.base_url}/auth/magic?token=' in lines[0]
            token = lines[0].split('token=')[1].split()[0]
            page = await client.get(f'/auth/magic?token={token}')
            assert page.status_code == 200 and 'no-store' in page.headers['cache-control']
            await client.get('/invite/some-secret-token')
        log = server.log()
    assert (tmp_path / 'live' / 'travelpack.db').exists()
    access_lines = [line for line in log.splitlines() if '/auth/magic' in line and 'GET' in line]
    assert access_lines and all(token not in line for line in access_lines)
    assert 'some-secret-token' not in log


async def test_nicegui_socket_refuses_foreign_origins(server) -> None:
    async def connect(origin: str | None) -> bool:
        client = socketio.AsyncClient(reconnection=False)
        headers = {'Origin': origin} if origin else {}
        try:
            await client.connect(f'http://127.0.0.1:{server.port}', socketio_path='/_nicegui_ws/socket.io',
                                 headers=headers, transports=['websocket'], wait_timeout=5)
        except socketio.exceptions.ConnectionError:
            return False
        await client.disconnect()
        return True
    assert await connect(None)
    assert await connect(server.base_url)
    assert await connect(f'http://127.0.0.1:{server.port}')  # loopback spellings of the base URL are the same site
    assert not await connect('http://evil.example')


@pytest.mark.parametrize('path', ['/', '/lists/x', '/profile'])
async def test_pages_need_sign_in(server, path: str) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        response = await client.get(path)
    assert response.status_code == 303 and response.headers['location'].startswith('/signin?next=')


async def test_docs_are_served(server, mailbox: Mailbox) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        assert (await client.get('/docs')).status_code == 200
        spec = (await client.get('/openapi.json')).json()
    assert '/api/packing-lists/{list_id}/ops' in spec['paths']


async def test_https_base_url_makes_session_cookies_secure(tmp_path, database_url: str) -> None:
    env = {'TRAVELPACK_DATABASE_URL': database_url, 'TRAVELPACK_BASE_URL': 'https://pack.example.com'}
    with live_server(tmp_path / 'live', env=env) as server:
        async with httpx.AsyncClient(base_url=f'http://127.0.0.1:{server.port}') as client:
            cookie = (await client.get('/signin')).headers['set-cookie'].lower()
    assert 'httponly' in cookie and 'samesite=lax' in cookie and 'secure' in cookie
