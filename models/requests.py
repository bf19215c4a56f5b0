"""REST bodies: a payload plus what the single-entity routes read beside it (a chosen `id`, a `base_version`).

The routes hand the payload part to the op (`fields`), so the op applier checks it again and every path (REST,
WebSocket, tab) refuses the same input with the same sentence.
"""
from typing import Any

from pydantic import ConfigDict, field_validator, model_validator
from pydantic import Field as PydanticField

from .common import whole_number
from .entities import ItemCreate, ItemUpdate, NamedCreate, NamedUpdate, TravelerCreate, TravelerUpdate
from .lists import ListUpdate, Payload

OWN_FIELDS = {'id', 'base_version'}


class Body(Payload):
    """A JSON object; anything else is refused with the sentence a plain `dict` body had."""

    @model_validator(mode='before')
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError('Input should be a valid dictionary')
        return value

    def fields(self) -> dict[str, Any]:
        """The payload part, as the op carries it (JSON values, only what the client named)."""
        return self.model_dump(mode='json', exclude_unset=True, exclude=OWN_FIELDS)


class Created(Body):
    id: str | None = PydanticField(default=None, max_length=36, description='a UUID the client chose (offline)')


def _some_field_to_change(schema: dict[str, Any]) -> None:
    """An update names at least one field besides `base_version` (the applier refuses an empty one): say so."""
    schema['anyOf'] = [{'required': [name]} for name in schema.get('properties', {}) if name not in OWN_FIELDS]


class Versioned(Body):
    model_config = ConfigDict(json_schema_extra=_some_field_to_change)

    base_version: int | None = PydanticField(default=None, description='the entity version the client last saw',
                                             json_schema_extra={'minimum': 0})

    @field_validator('base_version', mode='before')
    @classmethod
    def _a_version(cls, value: Any) -> Any:
        value = whole_number(value)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ValueError('must be a non-negative integer')
        return value


class ItemCreateBody(ItemCreate, Created):
    pass


class ItemUpdateBody(ItemUpdate, Versioned):
    pass


class NamedCreateBody(NamedCreate, Created):
    pass


class NamedUpdateBody(NamedUpdate, Versioned):
    pass


class TravelerCreateBody(TravelerCreate, Created):
    pass


class TravelerUpdateBody(TravelerUpdate, Versioned):
    pass


class ListUpdateBody(ListUpdate, Versioned):
    pass


CREATE_BODIES: dict[str, type[Created]] = {
    'item': ItemCreateBody, 'category': NamedCreateBody, 'bag': NamedCreateBody, 'traveler': TravelerCreateBody,
}
UPDATE_BODIES: dict[str, type[Versioned]] = {
    'item': ItemUpdateBody, 'category': NamedUpdateBody, 'bag': NamedUpdateBody, 'traveler': TravelerUpdateBody,
}
