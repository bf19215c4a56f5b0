"""The rules every membership change keeps inside its transaction: the list row locked, the caller re-checked as
owner, only editor or viewer granted, and exactly one owner before commit."""
from typing import Any

from sqlmodel import Session, func, select

from models import ListMember, PackingList, Role
from travelpack_ui.core.errors import Conflict, Forbidden, Invalid, NotFound

GRANTABLE = (Role.editor.value, Role.viewer.value)


def lock_list(session: Session, list_id: str) -> PackingList | None:
    """The list row, locked for this transaction (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises)."""
    return session.exec(select(PackingList).where(PackingList.id == list_id).with_for_update()).first()


def lock_as_owner(session: Session, list_id: str, user_id: str) -> tuple[PackingList, ListMember]:
    """Lock the list row and re-check, inside the transaction, that the caller still owns it."""
    plist = lock_list(session, list_id)
    me = session.get(ListMember, (list_id, user_id))
    if plist is None or plist.deleted_at is not None or me is None:
        raise NotFound('No such packing list.', code='not_found')
    if me.role != Role.owner:
        raise Forbidden('Only the owner manages who is on this list.', code='forbidden')
    return plist, me


def check_one_owner(session: Session, list_id: str) -> None:
    """The invariant, checked inside the transaction before it commits: exactly one owner per list."""
    owners = session.exec(select(func.count()).select_from(ListMember)
                          .where(ListMember.list_id == list_id, ListMember.role == Role.owner)).one()
    if owners != 1:
        raise Conflict('That change would leave the list without exactly one owner; nothing was changed.',
                       code='owner_required')


def grantable(role: Any) -> str:
    """Ownership is transferred, never granted: an invitation, a link or a role change gives editor or viewer."""
    if role not in GRANTABLE:
        raise Invalid('role: must be "editor" or "viewer" (ownership is transferred, not granted).', code='invalid')
    return str(role)
