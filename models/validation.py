"""One sentence for a validation failure, wherever it happened (a REST body, an op's fields, a form)."""
from collections.abc import Collection, Sequence
from typing import Any

from pydantic import ValidationError

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
    return f'{where}: {message}'
