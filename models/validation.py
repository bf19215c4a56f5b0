"""One sentence for a validation failure, wherever it happened (a REST body, an op's fields, a form)."""
from collections.abc import Collection, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator

from .common import NOT_UNICODE, is_unicode, readable

# where FastAPI says a problem was found: not part of the field's name
REQUEST_PARTS = ('body', 'query', 'path')


def validation_sentence(problems: ValidationError | Sequence[Any], *, skip: Collection[str] = ('__root__',),
                        fallback: str = 'input') -> str:
    """"<field>: <what is wrong>" for the first problem, the way every refusal of bad input reads.

    `skip` drops location parts that are no field (FastAPI's request parts); `fallback` names a problem of the
    whole thing (a model-level rule, a body that is no object).
    """
    errors = problems.errors() if isinstance(problems, ValidationError) else problems
    if not errors:
        return 'The request is not valid.'
    first = errors[0]
    where = '.'.join(str(p) for p in first.get('loc', ()) if p not in skip) or fallback
    message = str(first.get('msg', 'is not valid')).removeprefix('Value error, ')
    return readable(f'{where}: {message}')  # a field name the client made up may hold a lone surrogate


def unicode_only(value: Any) -> Any:
    """Refuse a lone UTF-16 surrogate anywhere in `value` (strings, dict keys, nested lists): the database and the
    JSON answer would fail on it later, as a 500."""
    if isinstance(value, str):
        if not is_unicode(value):
            raise ValueError(NOT_UNICODE)
    elif isinstance(value, dict):
        for key, inner in value.items():
            unicode_only(key)
            unicode_only(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            unicode_only(inner)
    return value


class UnicodeOnly(BaseModel):
    """A request body whose every field is checked for lone surrogates at the edge (422 with a sentence)."""

    @field_validator('*', mode='before')
    @classmethod
    def _unicode_only(cls, value: Any) -> Any:
        return unicode_only(value)
