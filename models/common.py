"""Small helpers shared by every table: ids, clocks, text rules."""
import functools
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Table
from sqlalchemy.orm import configure_mappers
from sqlmodel import SQLModel

NAME_MAX = 200
NOTES_MAX = 2000
QUANTITY_MAX = 9999
ITEMS_PER_LIST_MAX = 2000
M = TypeVar('M', bound=SQLModel)


def table_of(model: type[Any]) -> Table:
    """A model's Core table, for statements built once (SQLModel leaves `__table__` untyped)."""
    table: Table = model.__table__
    return table


def detached(model: type[M], values: Mapping[str, Any], *, defaults: bool = False) -> M:
    """An instance of a table model holding these column values, built the way the ORM builds a row it loaded (no
    validation, no attribute events) and never part of a session: for rows the op path writes with Core statements,
    where building through `__init__` cost an event per attribute. `defaults` fills the fields `values` leaves out
    from the model's own defaults, as `__init__` would."""
    mapper = model.__mapper__  # type: ignore[attr-defined]
    if not mapper.configured:  # the ORM configures its mappers on first use; this may come before any ORM query
        configure_mappers()
    instance: M = mapper.class_manager.new_instance()
    if defaults:
        instance.__dict__.update({name: make() if make else value for name, make, value in _defaults(model)
                                  if name not in values})
    instance.__dict__.update(values)
    return instance


@functools.cache
def _defaults(model: type[SQLModel]) -> tuple[tuple[str, Callable[[], Any] | None, Any], ...]:
    """Each field's default factory or value (`FieldInfo.get_default` reads the factory's signature every call).
    Our factories take no arguments, and our plain defaults are immutable, so they need no copy."""
    return tuple((name, cast(Callable[[], Any] | None, field.default_factory), field.default)
                 for name, field in model.model_fields.items())


def new_id() -> str:
    """Ids are opaque UUID strings, unique across every list (deleted entities included)."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every one we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """Timestamps leave the server as ISO 8601 UTC, whatever the database returned."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace('+00:00', 'Z')


NOT_UNICODE = 'must be valid Unicode text (it has a lone surrogate)'


def is_unicode(value: str) -> bool:
    """False for a string JSON can carry but UTF-8 cannot store (a lone UTF-16 surrogate such as "\\ud800")."""
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


def readable(value: str) -> str:
    """`value` safe to echo in a sentence: lone surrogates become `\\udXXX` escapes."""
    return value.encode('utf-8', 'backslashreplace').decode('utf-8')


def _never(refused: Callable[[str], bool]) -> str:
    """A JSON-schema character class body of the characters `refused` picks out, as compact `\\uXXXX` ranges, so
    that the documented pattern is exactly the rule the code applies (lone surrogates are refused apart)."""
    ranges: list[tuple[int, int]] = []
    for code in (*range(0xD800), *range(0xE000, 0x10000)):
        if refused(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return ''.join(f'\\u{a:04x}' if a == b else f'\\u{a:04x}-\\u{b:04x}' for a, b in ranges)


def refused_in_name(ch: str) -> bool:
    """Control characters and invisible format characters, except the zero-width joiner of emoji sequences. Format
    characters beyond the BMP stay allowed: the tag characters spell flags such as Scotland's."""
    category = unicodedata.category(ch)
    return category == 'Cc' or (category == 'Cf' and ch != '\u200d' and ord(ch) <= 0xFFFF)


def refused_in_notes(ch: str) -> bool:
    return unicodedata.category(ch) == 'Cc' and ch not in '\n\t\r'


# what the OpenAPI document says of names and notes: no control characters, and a name is not blank
NAME_PATTERN = f'^(?!\\s*$)[^{_never(refused_in_name)}]*$'
NOTES_PATTERN = f'^[^{_never(refused_in_notes)}]*$'


def whole_number(value: Any) -> Any:
    """JSON has one number type: `3.0` is the integer 3 (JSON Schema agrees), while `true` and `"3"` stay refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def clean_name(value: str) -> str:
    """NFC-normalise, strip, and refuse control characters; 1–200 characters."""
    if not isinstance(value, str):
        raise ValueError('must be text')
    if not is_unicode(value):
        raise ValueError(NOT_UNICODE)
    value = unicodedata.normalize('NFC', value).strip()
    if any(refused_in_name(ch) for ch in value):
        raise ValueError('must not contain control characters')
    if not value:
        raise ValueError('must not be empty')
    if len(value) > NAME_MAX:
        raise ValueError(f'must be at most {NAME_MAX} characters')
    return value


def clean_notes(value: str | None) -> str | None:
    """Notes keep newlines and tabs but no other control characters; at most 2,000 characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError('must be text')
    if not is_unicode(value):
        raise ValueError(NOT_UNICODE)
    value = unicodedata.normalize('NFC', value)
    if any(refused_in_notes(ch) for ch in value):
        raise ValueError('must not contain control characters')
    if len(value) > NOTES_MAX:
        raise ValueError(f'must be at most {NOTES_MAX} characters')
    return value


def initials_of(display_name: str) -> str:
    parts = [p for p in display_name.replace('.', ' ').replace('@', ' ').split() if p]
    if not parts:
        return '?'
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


PALETTE = ['#e11d48', '#db2777', '#9333ea', '#4f46e5', '#2563eb', '#0891b2',
           '#059669', '#65a30d', '#ca8a04', '#ea580c', '#dc2626', '#7c3aed']


@functools.lru_cache(maxsize=4096)
def color_for(key: str) -> str:
    """A stable avatar color: the same user always gets the same one."""
    return PALETTE[uuid.uuid5(uuid.NAMESPACE_URL, key).int % len(PALETTE)]
