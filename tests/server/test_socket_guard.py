"""A list page obeys only its own socket: another connection that names the page's client id is ignored and logged.

Ana opens a list in Chromium. Mallory learns the page's client id, element id and listener id (as she could have
from an access log before they were redacted) and, from a plain python-socketio client with no cookie and no
Origin, sends the item table's `op` event renaming Ana's item, once on a bare socket and once after a refused
handshake. Nothing changes, the server log says what it dropped, and Ana's page keeps working.
"""
import json
import uuid
from typing import Any

import httpx
import pytest
import socketio
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import browser  # noqa: F401 - the Chromium fixture
from tests.support.browser import sign_in
from tests.support.helpers import api_sign_in, create_list
from tests.support.live import LiveServer
from tests.support.mailbox import Mailbox
from tests.support.waiting import eventually

pytestmark = pytest.mark.browser

PAGE_OF_THE_ITEM_TABLE = '''() => {
    for (const [id, element] of Object.entries(mounted_app.elements)) {
        const listener = (element.events || []).find((event) => event.type === 'op');
        if (listener) return {client_id: window.clientId, id: Number(id), listener_id: listener.listener_id};
    }
    return null;
}'''


async def test_another_connection_cannot_drive_a_list_page(browser: Browser, server: LiveServer,  # noqa: F811
                                                           mailbox: Mailbox) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, server.base_url, mailbox, 'ana@example.com')
    async with httpx.AsyncClient(base_url=server.base_url, timeout=20) as api:
        ana = await api_sign_in(api, mailbox, 'ana@example.com')
        plist = await create_list(api, ana, 'Lisbon')
        item = (await api.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Sunscreen'},
                               headers=ana)).json()
        await page.goto(f'{server.base_url}/lists/{plist["id"]}')
        await expect(page.get_by_test_id('item-row')).to_have_count(1)
        target = await page.evaluate(PAGE_OF_THE_ITEM_TABLE)
        assert target and target['client_id']
        before = (await api.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()

        async with mallory(server) as forger:
            await forger.emit('event', rename(target, item['id'], 'Renamed by Mallory'))
            await eventually(lambda: server.log().count("Dropped a socket 'event' message") >= 1, timeout=20)
        async with mallory(server) as forger:
            refused = await forger.call('handshake', {'client_id': target['client_id'], 'tab_id': 'guessed',
                                                      'document_id': str(uuid.uuid4())}, timeout=10)
            assert refused is False
            await forger.emit('event', rename(target, item['id'], 'Renamed after a refused handshake'))
            for name in ('javascript_response', 'ack', 'log'):
                await forger.emit(name, {'client_id': target['client_id'], 'request_id': 'x', 'next_message_id': 0,
                                         'level': 'error', 'message': 'forged'})
            await eventually(lambda: server.log().count("Dropped a socket 'event' message") >= 2, timeout=20)
            await eventually(lambda: "Dropped a socket 'log' message" in server.log(), timeout=20)

        after = (await api.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()
        assert after['version'] == before['version']
        assert [i['name'] for i in after['items']] == ['Sunscreen']
        assert 'forged' not in server.log()

        await add_item(page, 'Hat')  # the page's own socket still drives it
        await eventually(lambda: has_items(api, ana, plist['id'], {'Sunscreen', 'Hat'}), timeout=20)

    log = server.log()
    assert '/socket.io/?client_id=[redacted]&' in log  # uvicorn logs the socket's URL below its mount point
    assert target['client_id'] not in log
    await context.close()


def rename(target: dict[str, Any], item_id: str, name: str) -> dict[str, Any]:
    """The `event` message the item table's browser side emits for an `op`, with Mallory's op in it."""
    op = {'op_id': str(uuid.uuid4()), 'type': 'item.update', 'id': item_id, 'fields': {'name': name}}
    return {**target, 'args': [json.dumps({'ops': [op]})]}


class mallory:  # lower case: reads like a person in the story
    """A python-socketio client on NiceGUI's socket: websocket transport, no cookie, no Origin."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.client = socketio.AsyncClient(reconnection=False)

    async def __aenter__(self) -> socketio.AsyncClient:
        await self.client.connect(f'http://127.0.0.1:{self.server.port}', socketio_path='/_nicegui_ws/socket.io',
                                  transports=['websocket'], wait_timeout=10)
        return self.client

    async def __aexit__(self, *_: object) -> None:
        await self.client.disconnect()


async def add_item(page: Page, name: str) -> None:
    add = page.get_by_label('Add item')
    await add.fill(name)
    await add.press('Enter')


async def has_items(api: httpx.AsyncClient, headers: dict[str, str], list_id: str, names: set[str]) -> bool:
    plist = (await api.get(f'/api/packing-lists/{list_id}', headers=headers)).json()
    return {i['name'] for i in plist['items']} == names


async def test_an_item_added_while_the_page_reconnects_still_arrives(browser: Browser, server: LiveServer,  # noqa: F811
                                                                    mailbox: Mailbox) -> None:
    """socket.io buffers what a page emits while it is disconnected and flushes it on reconnect: NiceGUI's implicit
    handshake binds the new socket before that flush, so the guard lets it through (and the item table would resend
    its pending ops on connect anyway)."""
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, server.base_url, mailbox, 'ana@example.com')
    async with httpx.AsyncClient(base_url=server.base_url, timeout=20) as api:
        ana = await api_sign_in(api, mailbox, 'ana@example.com')
        plist = await create_list(api, ana, 'Lisbon')
        await page.goto(f'{server.base_url}/lists/{plist["id"]}')
        await expect(page.get_by_text('Nothing to pack yet.')).to_be_visible()
        await page.evaluate('''() => {
            window.socket.io.reconnectionDelay(2500);
            window.socket.io.reconnectionDelayMax(2500);
            window.socket.io.engine.close();
        }''')
        await add_item(page, 'Tent')
        assert await page.evaluate('window.socket.connected') is False  # made while the page had no connection
        await eventually(lambda: has_items(api, ana, plist['id'], {'Tent'}), timeout=30)
    assert 'Dropped a socket' not in server.log()
    await context.close()
