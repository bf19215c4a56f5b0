"""`/unsubscribe/<token>`: the link in every digest and reminder. GET says what will be turned off and shows a
button; POST (the button, or a mail client's RFC 8058 one-click POST) turns it off. No sign-in: the signed token
is the permission, and a CSRF token is impossible in a one-click POST. Plain HTML, so it works without scripts."""
from html import escape

from fastapi import Request
from fastapi.responses import HTMLResponse
from nicegui import app

from travelpack_ui.core.errors import DomainError
from travelpack_ui.notify.prefs import WHAT
from travelpack_ui.services import Services

PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} · TravelPack</title>'
        '<meta name="viewport" content="width=device-width,initial-scale=1"></head>'
        '<body style="font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">'
        '<h1>{title}</h1>{body}</body></html>')


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(PAGE.format(title=escape(title), body=body), status_code=status)


def register(services: Services) -> None:
    prefs = services.notify.prefs

    @app.get('/unsubscribe/{token}', include_in_schema=False)
    def confirm(token: str) -> HTMLResponse:
        try:
            user, kind = prefs.read_token(token)
        except DomainError as error:
            return page('Link not valid', f'<p>{escape(error.detail)}</p>', 400)
        return page('Unsubscribe', f'<p>Stop {escape(WHAT[kind])} to {escape(user.email)}?</p>'
                    f'<form method="post"><button type="submit" name="List-Unsubscribe" value="One-Click">'
                    f'Unsubscribe</button></form><p>You can turn them on again on your profile page.</p>')

    @app.post('/unsubscribe/{token}', include_in_schema=False)
    async def unsubscribe(token: str, request: Request) -> HTMLResponse:
        await request.body()  # the one-click body (List-Unsubscribe=One-Click) or the button's; either way, off
        try:
            user, kind = await prefs.unsubscribe(token)
        except DomainError as error:
            return page('Link not valid', f'<p>{escape(error.detail)}</p>', 400)
        return page('Unsubscribed', f'<p>No more {escape(WHAT[kind])} to {escape(user.email)}.</p>'
                    '<p>You can turn them on again on your profile page.</p>')
