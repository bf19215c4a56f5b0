"""Helpers for the sharing stories: people join the way they really do (a share link or an emailed invitation)."""
from typing import Any
from urllib.parse import urlsplit

import httpx
from nicegui import app

from models import User
from travelpack_ui.sharing.service import Sharing


def sharing() -> Sharing:
    return app.state.travelpack.sharing


def token_of(url: str) -> str:
    return urlsplit(url).path.rsplit('/', 1)[-1]


async def me(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get('/api/user/me', headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def share_link(client: httpx.AsyncClient, owner: dict[str, str], list_id: str, role: str = 'editor',
                     **extra: Any) -> dict[str, Any]:
    response = await client.post(f'/api/packing-lists/{list_id}/share-links', json={'role': role, **extra},
                                 headers=owner)
    assert response.status_code == 201, response.text
    return response.json()


async def accept(client: httpx.AsyncClient, headers: dict[str, str], token: str) -> httpx.Response:
    return await client.post('/api/invitations/accept', json={'token': token}, headers=headers)


async def join(client: httpx.AsyncClient, owner: dict[str, str], list_id: str, member: dict[str, str],
               role: str) -> None:
    """Make `member` a collaborator with `role` through a share link."""
    link = await share_link(client, owner, list_id, role)
    response = await accept(client, member, token_of(link['url']))
    assert response.status_code == 200, response.text


async def join_by_link(list_id: str, owner: User, member: User, role: str) -> None:
    """Make `member` a collaborator with `role` the way the Join button does: a share link, accepted."""
    link = await sharing().links.create(list_id, role, user=owner)
    await sharing().accepting.accept(token_of(link['url']), user=member)
