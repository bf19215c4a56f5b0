"""HTTP-level wiring that every route shares: logging without secrets, no-store pages, allowed origins."""
import logging
import re
import sys

from fastapi import FastAPI
from nicegui import core
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import Settings

SECRET_IN_PATH = re.compile(r'((?:token|refresh_token)=)[^&\s"]+|(/(?:invite|share)/)[^/?\s"]+')


def redact(text: str) -> str:
    """Tokens in URLs never reach a log line."""
    return SECRET_IN_PATH.sub(lambda m: (m.group(1) or m.group(2)) + '[redacted]', text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)  # type: ignore
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    for name in ('uvicorn.access', 'uvicorn.error', 'uvicorn', ''):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


class NoStore:
    """Pages and API answers carry per-user data: `Cache-Control: no-store` (static files keep their caching)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or scope['path'].startswith('/_nicegui/'):
            await self.app(scope, receive, send)
            return

        async def patched(message: Message) -> None:
            if message['type'] == 'http.response.start':
                headers = [(k, v) for k, v in message.get('headers', []) if k.lower() != b'cache-control']
                headers.append((b'cache-control', b'no-store'))
                headers.append((b'x-content-type-options', b'nosniff'))
                headers.append((b'referrer-policy', b'same-origin'))
                message = {**message, 'headers': headers}
            await send(message)
        await self.app(scope, receive, patched)


def install_web(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(NoStore)
    # NiceGUI's socket accepts every origin by default; a browser from elsewhere must not drive our tabs
    core.sio.eio.cors_allowed_origins = sorted(settings.origins)
