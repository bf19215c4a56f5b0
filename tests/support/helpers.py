"""Story-level helpers: sign people in the way they really do (a mailed link), reach the app's services."""
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from nicegui import app
from nicegui.testing import User

from models import User as Account
from tests.support.mailbox import Mailbox
from tests.support.waiting import eventually
from travelpack_ui.services import Services


def services() -> Services:
    return app.state.travelpack


def account_of(headers: dict[str, str]) -> Account:
    """The account behind API headers (its bearer token), for calling the services as that person."""
    account = services().auth.authenticate(headers['Authorization'].removeprefix('Bearer '))
    assert account is not None
    return account


def token_from(link: str) -> str:
    return parse_qs(urlsplit(link).query)['token'][0]


async def api_sign_in(client: httpx.AsyncClient, mailbox: Mailbox, email: str) -> dict[str, str]:
    """Request a magic link, read it from the real mail server, trade it for a JWT; returns auth headers."""
    count = len(mailbox.to(email)) + 1
    response = await client.post('/api/auth/magic-link', json={'email': email})
    assert response.status_code == 202, response.text
    link = await mailbox.link_for(email, count=count, containing='/auth/magic')
    response = await client.post('/api/auth/token', json={'token': token_from(link)})
    assert response.status_code == 200, response.text
    return {'Authorization': f'Bearer {response.json()["access_token"]}'}


async def browser_sign_in(user: User, mailbox: Mailbox, email: str, *, next_path: str = '/') -> None:
    """Sign a simulated browser in through the sign-in page and the mailed link."""
    count = len(mailbox.to(email)) + 1
    await user.open(f'/signin?next={next_path}')
    user.find(marker='email').type(email)
    user.find(marker='send-link').click()
    link = await mailbox.link_for(email, count=count, containing='/auth/magic')
    await user.open(urlsplit(link).path + '?' + urlsplit(link).query)
    user.find(marker='sign-in').click()
    # the click signs in (a database write) and then navigates
    await eventually(lambda: not user.back_history[-1].startswith('/auth/magic'),
                     message='signing in did not navigate away from the link page')


async def create_list(client: httpx.AsyncClient, headers: dict[str, str], name: str = 'Lisbon',
                      **fields: Any) -> dict[str, Any]:
    response = await client.post('/api/packing-lists', json={'name': name, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()
