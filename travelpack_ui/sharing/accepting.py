"""Coming in through a token: what an invitation or share link lets in (for the onboarding page), and joining.

Tokens are itsdangerous-signed (a salt per purpose), and the row behind each decides expiry, revocation and role,
checked again inside the joining transaction so that exactly one of two concurrent accepts of an invitation wins.
"""
import hmac
from dataclasses import dataclass
from typing import Any

from nicegui import Event
from sqlalchemy import update
from sqlmodel import Session, col

from models import Invitation, ListMember, PackingList, ShareLink, User, higher
from models.common import aware
from travelpack_ui.core.errors import DomainError, Forbidden, Gone
from travelpack_ui.core.tokens import digest
from travelpack_ui.sharing.context import INVITE, SHARE, MemberChange, SharingContext
from travelpack_ui.sharing.membership import check_one_owner, lock_list

GONE = 'This invitation has expired or was revoked.'


class BadToken(DomainError):
    """A link token we did not sign (mistyped, cut short or tampered with)."""
    status = 400
    code = 'invalid_token'


@dataclass
class TokenInfo:
    """What an onboarding page shows before anyone accepts: the list, who shared it, the role."""
    kind: str  # 'invite' | 'share'
    list_id: str
    list_name: str
    inviter: str
    inviter_id: str
    role: str
    email: str | None  # an invitation is for this address; a share link is for whoever holds it


class Accepting:
    """Describes and accepts invitation and share-link tokens."""

    def __init__(self, context: SharingContext, invitations_changed: Event[str]) -> None:
        self.context = context
        self.lists = context.lists
        self.invitations_changed = invitations_changed  # an accepted invitation changes the owner's dialog

    def describe(self, token: Any) -> TokenInfo:
        """What a token lets in, checked against its row: BadToken (tampered) or Gone (expired, revoked, used)."""
        kind, payload = self._parse(token)
        now = self.context.clock()
        with self.context.db.read() as session:
            if kind == INVITE:
                row: Any = session.get(Invitation, payload['i'])
                if row is None or not hmac.compare_digest(row.nonce_hash, digest(payload['n'])) \
                        or row.accepted_at is not None or row.revoked_at is not None \
                        or aware(row.expires_at) <= now:
                    raise Gone(GONE, code='gone')
                by, email = row.invited_by, row.email
            else:
                row = session.get(ShareLink, payload['l'])
                if row is None or not hmac.compare_digest(row.nonce, payload['n']) or row.revoked_at is not None \
                        or (row.expires_at is not None and aware(row.expires_at) <= now):
                    raise Gone('This share link has expired or was revoked.', code='gone')
                by, email = row.created_by, None
            plist = session.get(PackingList, row.list_id)
            inviter = session.get(User, by)
        if plist is None or plist.deleted_at is not None:
            raise Gone('This list no longer exists.', code='gone')
        return TokenInfo(kind=kind, list_id=plist.id, list_name=plist.name, role=row.role, email=email,
                         inviter=inviter.display_name if inviter else 'Someone', inviter_id=by)

    async def accept(self, token: Any, *, user: User) -> dict[str, Any]:
        """Join through an invitation (single use, for its address) or a share link; never lowers a role."""
        info = self.describe(token)
        kind, payload = self._parse(token)
        if info.email is not None and info.email != user.email.strip().lower():
            raise Forbidden('This invitation was sent to another email address: sign in with that address to '
                            'accept it.', code='wrong_email')
        list_id = info.list_id

        def work(session: Session) -> str:
            now = self.context.clock()
            plist = lock_list(session, list_id)
            if plist is None or plist.deleted_at is not None:
                raise Gone('This list no longer exists.', code='gone')
            if kind == INVITE:
                used = session.execute(update(Invitation).where(
                    col(Invitation.id) == payload['i'], col(Invitation.nonce_hash) == digest(payload['n']),
                    col(Invitation.accepted_at).is_(None), col(Invitation.revoked_at).is_(None),
                    col(Invitation.expires_at) > now).values(accepted_at=now, accepted_by=user.id))
            else:
                used = session.execute(update(ShareLink).where(
                    col(ShareLink.id) == payload['l'], col(ShareLink.revoked_at).is_(None),
                    col(ShareLink.expires_at).is_(None) | (col(ShareLink.expires_at) > now))
                    .values(uses=col(ShareLink.uses) + 1))
            if used.rowcount != 1:  # type: ignore[attr-defined]
                raise Gone(GONE, code='gone')
            member = session.get(ListMember, (list_id, user.id))
            if member is None:
                member = ListMember(list_id=list_id, user_id=user.id, role=info.role, added_by=info.inviter_id,
                                    added_at=now)
            else:
                member.role = higher(member.role, info.role).value
            session.add(member)
            session.flush()
            check_one_owner(session, list_id)
            return member.role

        def publish(role: str) -> None:
            self.lists.lifecycle.emit(list_id, 'members')
            self.context.members_changed.emit(MemberChange(list_id, 'joined', user.id, user.id, role=role))
            if kind == INVITE:
                self.invitations_changed.emit(list_id)
        role = await self.context.writer.run(work, publish)
        return {'list_id': list_id, 'role': role}

    def _parse(self, token: Any) -> tuple[str, dict[str, str]]:
        if isinstance(token, str) and 0 < len(token) <= 1000:
            for kind, keys in ((INVITE, ('i', 'n')), (SHARE, ('l', 'n'))):
                payload = self.context.signer.unsign(kind, token)
                if payload is not None and all(isinstance(payload.get(k), str) for k in keys):
                    return kind, payload
        raise BadToken('This link is not valid: it may have been cut short or changed.')
