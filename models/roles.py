"""Who may do what: one table that every path (UI, REST, ops, WebSocket) consults."""
from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    owner = 'owner'
    editor = 'editor'
    viewer = 'viewer'


class Action(StrEnum):
    read = 'read'
    edit_items = 'edit_items'
    edit_list = 'edit_list'
    delete_list = 'delete_list'
    manage_sharing = 'manage_sharing'
    leave = 'leave'


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.owner: frozenset(Action) - {Action.leave},
    Role.editor: frozenset({Action.read, Action.edit_items, Action.edit_list, Action.leave}),
    Role.viewer: frozenset({Action.read, Action.leave}),
}

RANK = {Role.viewer: 0, Role.editor: 1, Role.owner: 2}


def can(role: Role | str | None, action: Action) -> bool:
    """True when `role` allows `action`; nobody (None) may do anything."""
    if role is None:
        return False
    return action in PERMISSIONS[Role(role)]


def higher(a: Role | str, b: Role | str) -> Role:
    """The stronger of two roles: accepting a link never lowers a role someone already has."""
    return Role(a) if RANK[Role(a)] >= RANK[Role(b)] else Role(b)


RoleName = Literal['owner', 'editor', 'viewer']
"""A role as it travels in JSON."""
