"""Reading one client frame of the real-time API: size, JSON, depth, and strings that are not valid Unicode.

Kept apart from the connection so that every way a frame can be malformed ends the same way: a close code the
contract names (4413 too large, 4400 not JSON or nested too deep), never an exception that drops the socket
without a close frame.
"""
import json
from typing import Any

MAX_MESSAGE_BYTES = 64 * 1024
MAX_DEPTH = 32
"""Nesting allowed in a message: an op is about four levels deep; the parser's recursion must never be the limit."""
NOT_JSON, TOO_LARGE = 4400, 4413


class BadFrame(Exception):
    """A frame that ends the connection with `code`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def check_size(text: str | None, data: bytes | None) -> None:
    size = len(data) if data is not None else len(text or '')
    if size > MAX_MESSAGE_BYTES or (text is not None and len(text.encode(errors='surrogatepass')) > MAX_MESSAGE_BYTES):
        raise BadFrame(TOO_LARGE, 'message too large')


def parse(text: str | None, data: bytes | None) -> Any:
    """The frame's JSON value; BadFrame(4400) for anything that is not JSON or nests deeper than MAX_DEPTH."""
    try:
        value = json.loads(text if text is not None else (data or b''))
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: thousands of nested arrays
        raise BadFrame(NOT_JSON, 'not valid JSON') from None
    if _depth_exceeds(value, MAX_DEPTH):
        raise BadFrame(NOT_JSON, 'nested too deep')
    return value


def has_lone_surrogate(value: Any) -> bool:
    """Whether any string in `value` (keys included) holds a lone UTF-16 surrogate (`"\\ud800"` is valid JSON,
    but no database can store it)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode()
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def op_id_of(entry: Any) -> str:
    """The op id to answer a malformed op with, so that the client can match the rejection to its op."""
    op_id = entry.get('op_id') if isinstance(entry, dict) else None
    return str(op_id) if op_id is not None else '?'


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False
