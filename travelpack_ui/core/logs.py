"""Logging without secrets: tokens in URLs (sign-in, invitation and share links, socket tokens) never reach a log."""
import logging
import re
import sys

SECRET_IN_PATH = re.compile(r'((?:token|refresh_token)=)[^&\s"]+|(/(?:invite|share)/)[^/?\s"]+')


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
