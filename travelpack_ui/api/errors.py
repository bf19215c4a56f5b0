"""The API's edge: one error shape ({"detail", "code"}), content-type and body-size checks, no stack traces."""
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.validation import REQUEST_PARTS, validation_sentence
from travelpack_ui.core.db import cannot_write
from travelpack_ui.core.errors import DomainError, TooMany, Unavailable

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000


class ErrorPublic(BaseModel):
    """Every refusal: a sentence for people and a code for programs (never FastAPI's list of problems)."""
    detail: str
    code: str


WHY = {
    400: 'Malformed JSON (`invalid_json`) or a tampered token',
    401: 'No valid credentials (`unauthorized`, `invalid_token`)',
    403: 'The caller sees the list, but their role does not allow this (`forbidden`)',
    404: 'No such thing, or one the caller may not see (`not_found`, `deleted`)',
    409: 'In the way of something else (`list_full`, `id_in_use`, `conflict`)',
    410: 'Expired, revoked or already used (`gone`)',
    413: 'The body is larger than 1 MB (`too_large`)',
    415: 'Not `application/json` (`unsupported_media`)',
    422: 'A field out of its limits (`invalid`)',
    429: 'Too many requests; see `Retry-After` (`rate_limited`)',
    503: 'The database cannot write now; see `Retry-After` (`unavailable`)',
}
HTTP_CODES = {401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
              413: 'too_large', 415: 'unsupported_media', 429: 'rate_limited'}
SIGNED_IN = (401,)
BODY = (400, 413, 415, 422)
IN_LIST = (401, 404, 422)  # FastAPI would document its own 422 list for any route with parameters
CHANGE = (401, 403, 404, 422, 503)


def errors(*groups: tuple[int, ...] | int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each status it may refuse with, documented as the `{detail, code}` it sends."""
    statuses = sorted({s for g in groups for s in (g if isinstance(g, tuple) else (g,))})
    return {status: {'model': ErrorPublic, 'description': WHY[status]} for status in statuses}


def error_response(status: int, detail: str, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({'detail': detail, 'code': code}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, error: DomainError) -> JSONResponse:
        headers = {'Retry-After': str(error.retry_after)} if isinstance(error, TooMany | Unavailable) else None
        return error_response(error.status, error.detail, error.code, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        if any(p.get('type') == 'json_invalid' for p in problems):
            return error_response(400, 'The request body is not valid JSON.', 'invalid_json')
        return error_response(422, validation_sentence(problems, skip=REQUEST_PARTS, fallback='body'), 'invalid')

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        """FastAPI's and Starlette's own refusals (a body it could not parse, a wrong method) in our shape."""
        if not request.url.path.startswith('/api/'):
            return await http_exception_handler(request, error)
        if error.status_code == 400:  # FastAPI's "error parsing the body": bad UTF-8, JSON nested too deep
            return error_response(400, 'The request body is not valid JSON.', 'invalid_json')
        code = HTTP_CODES.get(error.status_code, 'error')
        return error_response(error.status_code, str(error.detail), code, dict(error.headers or {}))


class ApiGuard:
    """ASGI middleware for /api: JSON bodies only (415), at most 1 MB (413), and no 500 page with a trace."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or not scope['path'].startswith('/api/'):
            await self.app(scope, receive, send)
            return
        headers = {k.decode('latin-1').lower(): v.decode('latin-1') for k, v in scope.get('headers', [])}
        if scope['method'] in ('POST', 'PATCH', 'PUT'):
            length = headers.get('content-length')
            if length is not None and length.isdigit() and int(length) > MAX_BODY:
                await _send_error(send, 413, 'The request body is larger than 1 MB.', 'too_large')
                return
            has_body = (length not in (None, '0')) or 'transfer-encoding' in headers
            content_type = headers.get('content-type', '').split(';')[0].strip().lower()
            if has_body and content_type != 'application/json':
                await _send_error(send, 415, 'Send JSON, with "Content-Type: application/json".', 'unsupported_media')
                return
            body = await _read_body(receive)
            if body is None:  # also a chunked body, which has no length to check up front
                await _send_error(send, 413, 'The request body is larger than 1 MB.', 'too_large')
                return
            receive = _replay(body, receive)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message['type'] == 'http.response.start':
                started = True
                if message['status'] == 405:
                    message = {**message, 'headers': _with_allow(message.get('headers', []), scope)}
            await send(message)
        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if not started and cannot_write(error):  # a write outside the one writer
                log.warning('The database cannot write (%s) in %s %s', error, scope['method'], scope['path'])
                unavailable = Unavailable()
                await _send_error(send, 503, unavailable.detail, unavailable.code,
                                  {'Retry-After': str(unavailable.retry_after)})
                return
            log.exception('Unexpected error in %s %s', scope['method'], scope['path'])
            if not started:
                await _send_error(send, 500, 'Something went wrong on our side; nothing was changed.', 'internal')


def _with_allow(headers: list[tuple[bytes, bytes]], scope: Scope) -> list[tuple[bytes, bytes]]:
    """A 405's `Allow` lists every method of the path: Starlette names only the first route that matched it (each of
    our routes has one method), so `OPTIONS /api/packing-lists` claimed that only GET was allowed."""
    methods = sorted(_methods_of(getattr(scope.get('app'), 'routes', []), scope['path']))
    if not methods:
        return headers
    return [(k, v) for k, v in headers if k.lower() != b'allow'] + [(b'allow', ', '.join(methods).encode('latin-1'))]


def _methods_of(routes: list[Any], path: str) -> set[str]:
    """The methods of every route whose path matches, looking into included routers (FastAPI groups them)."""
    methods: set[str] = set()
    for route in routes:
        included = getattr(route, 'original_router', None)
        if included is not None:
            methods |= _methods_of(included.routes, path)
        elif getattr(route, 'methods', None) and route.path_regex.match(path):
            methods |= set(route.methods)
    return methods


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None once it passes 1 MB.

    Read here rather than counted while the route reads it: FastAPI turns any error raised while it reads the body
    into its own 400, so a limit enforced inside that read would never answer 413.
    """
    chunks: list[bytes] = []
    seen = 0
    while True:
        message = await receive()
        if message['type'] != 'http.request':  # the client went away: nothing to answer
            return b''.join(chunks)
        chunk = message.get('body', b'')
        seen += len(chunk)
        if seen > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get('more_body', False):
            return b''.join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the body that was read to the route once, then pass on what the server sends (a disconnect)."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {'type': 'http.request', 'body': body, 'more_body': False}
        return await receive()
    return replayed


async def _send_error(send: Send, status: int, detail: str, code: str, headers: dict[str, str] | None = None) -> None:
    response = error_response(status, detail, code, headers)
    await send({'type': 'http.response.start', 'status': status, 'headers': response.raw_headers})
    await send({'type': 'http.response.body', 'body': response.body})
