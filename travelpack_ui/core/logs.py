"""Logging without secrets: tokens in URLs (sign-in, invitation and share links, socket tokens) never reach a log.

Nor do the ids that let a socket speak for a NiceGUI page (`/_nicegui_ws/socket.io/?client_id=…&tab_id=…`) or an
engine.io session (`sid`, which alone lets an HTTP long-polling request send as that socket).
"""
import logging
import re
import sys

SECRET_PARAMS = r'[a-z_]*token|client_id|tab_id|old_tab_id|document_id|sid|secret|password|code|signature'
SECRET_IN_PATH = re.compile(rf'(\b(?:{SECRET_PARAMS})=)[^&\s"\']+|(/(?:invite|share|unsubscribe)/)[^/?\s"\']+',
                            re.IGNORECASE)


def redact(text: str) -> str:
    """Tokens in URLs never reach a log line."""
    return SECRET_IN_PATH.sub(lambda m: (m.group(1) or m.group(2)) + '[redacted]', text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    for name in ('uvicorn.access', 'uvicorn.error', 'uvicorn', ''):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
