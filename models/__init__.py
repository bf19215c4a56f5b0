"""TravelPack's data: tables, payloads and the rules that need no database."""
from .common import ITEMS_PER_LIST_MAX, iso, new_id, utcnow
from .describe import describe
from .lists import (
    CREATE_PAYLOADS,
    ENTITY_TABLES,
    UPDATE_PAYLOADS,
    Audited,
    Bag,
    Category,
    Item,
    ItemCreate,
    ItemUpdate,
    ListCreate,
    ListMember,
    ListUpdate,
    PackingList,
    Traveler,
)
from .ops import OP_TYPES, Activity, Op, OpRecord, OpResult, OpsRequest, find_conflicts
from .roles import Action, Role, can, higher
from .sharing import Invitation, ShareLink
from .users import ApiToken, MagicToken, User, UserPublic, UserUpdate

__all__ = [
    'CREATE_PAYLOADS',
    'ENTITY_TABLES',
    'ITEMS_PER_LIST_MAX',
    'OP_TYPES',
    'UPDATE_PAYLOADS',
    'Action',
    'Activity',
    'ApiToken',
    'Audited',
    'Bag',
    'Category',
    'Invitation',
    'Item',
    'ItemCreate',
    'ItemUpdate',
    'ListCreate',
    'ListMember',
    'ListUpdate',
    'MagicToken',
    'Op',
    'OpRecord',
    'OpResult',
    'OpsRequest',
    'PackingList',
    'Role',
    'ShareLink',
    'Traveler',
    'User',
    'UserPublic',
    'UserUpdate',
    'can',
    'describe',
    'find_conflicts',
    'higher',
    'iso',
    'new_id',
    'utcnow',
]
