"""Sharing's checks: what may be granted, what an invitation may carry, and the one-owner invariant."""
from typing import Any

from sqlmodel import Session, func, select

from models import ListMember, PackingList, Role, User, iso
from models.common import clean_notes
from travelpack_ui.auth.service import normalise_email
from travelpack_ui.core.errors import Conflict, Invalid

GRANTABLE = (Role.editor.value, Role.viewer.value)
MAX_EMAILS = 50


def collaborator_public(member: ListMember, user: User, *, with_email: bool) -> dict[str, Any]:
    return {'user_id': user.id, 'email': user.email if with_email else None, 'display_name': user.display_name,
            'initials': user.initials, 'color': user.color, 'role': member.role, 'added_at': iso(member.added_at),
            'added_by': member.added_by}


def lock_list(session: Session, list_id: str) -> PackingList | None:
    """The list row, locked for this transaction (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises)."""
    return session.exec(select(PackingList).where(PackingList.id == list_id).with_for_update()).first()


def check_one_owner(session: Session, list_id: str) -> None:
    """The invariant, checked inside the transaction before it commits: exactly one owner per list."""
    owners = session.exec(select(func.count()).select_from(ListMember)
                          .where(ListMember.list_id == list_id, ListMember.role == Role.owner)).one()
    if owners != 1:
        raise Conflict('That change would leave the list without exactly one owner; nothing was changed.',
                       code='owner_required')


def grantable(role: Any) -> str:
    if role not in GRANTABLE:
        raise Invalid('role: must be "editor" or "viewer" (ownership is transferred, not granted).', code='invalid')
    return str(role)


def addresses(emails: Any) -> list[str]:
    """1–50 addresses, normalised and without duplicates; none with a line break (it would reach a header)."""
    if not isinstance(emails, list) or not 1 <= len(emails) <= MAX_EMAILS:
        raise Invalid(f'emails: give 1 to {MAX_EMAILS} email addresses.', code='invalid')
    addresses: list[str] = []
    for value in emails:
        if isinstance(value, str) and any(ch in value for ch in '\r\n'):
            raise Invalid('emails: line breaks are not allowed in an email address.', code='invalid')
        try:
            address = normalise_email(value)
        except Invalid:
            raise Invalid(f'emails: {str(value)[:80]!r} is not a valid email address.', code='invalid') from None
        if address not in addresses:
            addresses.append(address)
    return addresses


def message_text(message: Any) -> str | None:
    if message is None or message == '':
        return None
    try:
        return clean_notes(message)
    except ValueError as error:
        raise Invalid(f'message: {error}', code='invalid') from None


def header_safe(text: str, what: str) -> None:
    """Anything that reaches a mail header (the subject names the inviter and the list) must be one line."""
    if any(ch in text for ch in '\r\n'):
        raise Invalid(f'Line breaks in {what} cannot go into an email; please change it first.', code='invalid')

