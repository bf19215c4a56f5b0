"""Coming in through a token: what an invitation or share link lets in (for the onboarding page), and joining.

Tokens are itsdangerous-signed (a salt per purpose), and the row behind each decides expiry, revocation and role,
checked again inside the joining transaction so that exactly one of two concurrent accepts of an invitation wins.

An email invitation is also a magic link for an address that has no account yet: the invitation mail proved the
address as a sign-in mail would, so "Join" creates the account and joins in one step (`join_as_invited`). An
address that already has an account is never opened by an invitation (it may be forwarded, and lasts days): its
owner gets a sign-in link, and signing in with it joins and lands in the list (`land`), as for share links.
"""
import hmac
from dataclasses import dataclass
from typing import Any

from nicegui import Event
from sqlalchemy import update
from sqlmodel import Session, col, select

from models import Invitation, ListMember, PackingList, ShareLink, User, higher
from models.common import aware
from travelpack_ui.auth.service import create_account
from travelpack_ui.core.errors import DomainError, Forbidden, Gone
from travelpack_ui.core.tokens import digest
from travelpack_ui.sharing.context import INVITE, SHARE, MemberChange, SharingContext
from travelpack_ui.sharing.membership import check_one_owner, lock_list

GONE = 'This invitation has expired or was revoked.'
ALREADY_ACCEPTED = 'This invitation was already accepted — open the list'


class BadToken(DomainError):
    """A link token we did not sign (mistyped, cut short or tampered with)."""
    status = 400
    code = 'invalid_token'


class AlreadyAccepted(Gone):
    """A used invitation: still 410, but it says so (not "expired") and knows its list, for a member to open."""

    def __init__(self, list_id: str) -> None:
        super().__init__(ALREADY_ACCEPTED, code='gone')
        self.list_id = list_id


class AccountExists(DomainError):
    """The invited address has an account, which only a sign-in opens: the invitation alone joins nobody."""
    status = 409
    code = 'sign_in_required'


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
        """What a token lets in, checked against its row: BadToken (tampered), AlreadyAccepted (a used
        invitation) or Gone (expired, revoked, the list deleted)."""
        kind, payload = self._parse(token)
        now = self.context.clock()
        with self.context.db.read() as session:
            if kind == INVITE:
                row: Any = session.get(Invitation, payload['i'])
                if row is None or not hmac.compare_digest(row.nonce_hash, digest(payload['n'])):
                    raise Gone(GONE, code='gone')
                usable = row.revoked_at is None and aware(row.expires_at) > now
                by, email = row.invited_by, row.email
            else:
                row = session.get(ShareLink, payload['l'])
                if row is None or not hmac.compare_digest(row.nonce, payload['n']) or row.revoked_at is not None \
                        or (row.expires_at is not None and aware(row.expires_at) <= now):
                    raise Gone('This share link has expired or was revoked.', code='gone')
                usable, by, email = True, row.created_by, None
            plist = session.get(PackingList, row.list_id)
            inviter = session.get(User, by)
        if plist is None or plist.deleted_at is not None:
            raise Gone('This list no longer exists.', code='gone')
        if kind == INVITE and row.accepted_at is not None:
            raise AlreadyAccepted(plist.id)
        if not usable:
            raise Gone(GONE, code='gone')
        return TokenInfo(kind=kind, list_id=plist.id, list_name=plist.name, role=row.role, email=email,
                         inviter=inviter.display_name if inviter else 'Someone', inviter_id=by)

    async def accept(self, token: Any, *, user: User) -> dict[str, Any]:
        """Join through an invitation (single use, for its address) or a share link; never lowers a role."""
        info = self.describe(token)
        if info.email is not None and info.email != user.email.strip().lower():
            raise Forbidden('This invitation was sent to another email address: sign in with that address to '
                            'accept it.', code='wrong_email')
        role = await self.context.writer.run(lambda session: self._join(session, token, info, user),
                                             lambda joined_as: self._announce(info, user, joined_as))
        return {'list_id': info.list_id, 'role': role}

    async def join_as_invited(self, token: Any) -> tuple[User, dict[str, Any]]:
        """"Join" pressed on an email invitation by a browser that is not signed in: the invited address gets its
        account and joins, in one transaction. AccountExists when the address has an account already."""
        info = self.describe(token)
        if info.kind != INVITE or info.email is None:
            raise Forbidden('A share link is not tied to an address: sign in to join.', code='sign_in_required')
        address = info.email

        def work(session: Session) -> tuple[User, str]:
            lock_list(session, info.list_id)  # two presses at once: the second sees the first one's account
            if session.exec(select(User).where(User.email == address)).first() is not None:
                raise AccountExists('This address already has an account: sign in to join.')
            user = create_account(session, address)
            return user, self._join(session, token, info, user)
        user, role = await self.context.writer.run(work, lambda joined: self._announce(info, *joined))
        return user, {'list_id': info.list_id, 'role': role}

    async def land(self, next_path: str, *, user: User) -> str:
        """Where a magic-link sign-in goes: asked for on an invitation's or share link's page, it joins that list
        and opens it (the visitor asked for the link to join); any other `next`, or a token no longer good for
        this user, is left to its page to explain."""
        kind, _, token = next_path.lstrip('/').partition('/')
        if kind not in (INVITE, SHARE) or not token or '/' in token or '?' in token:
            return next_path
        try:
            joined = await self.accept(token, user=user)
        except DomainError:
            return next_path
        return f'/lists/{joined["list_id"]}'

    def _join(self, session: Session, token: Any, info: TokenInfo, user: User) -> str:
        """Use the token (atomically: exactly one of concurrent accepts of an invitation wins) and make `user` a
        member with its role, or keep a higher role they already have."""
        kind, payload = self._parse(token)
        now = self.context.clock()
        plist = lock_list(session, info.list_id)
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
            row = session.get(Invitation, payload['i']) if kind == INVITE else None
            if row is not None and row.accepted_at is not None:
                raise AlreadyAccepted(info.list_id)  # someone pressed first
            raise Gone(GONE, code='gone')
        member = session.get(ListMember, (info.list_id, user.id))
        if member is None:
            member = ListMember(list_id=info.list_id, user_id=user.id, role=info.role, added_by=info.inviter_id,
                                added_at=now)
        else:
            member.role = higher(member.role, info.role).value
        session.add(member)
        session.flush()
        check_one_owner(session, info.list_id)
        return member.role

    def _announce(self, info: TokenInfo, user: User, role: str) -> None:
        self.lists.lifecycle.emit(info.list_id, 'members')
        self.context.members_changed.emit(MemberChange(info.list_id, 'joined', user.id, user.id, role=role))
        if info.kind == INVITE:
            self.invitations_changed.emit(info.list_id)

    def _parse(self, token: Any) -> tuple[str, dict[str, str]]:
        if isinstance(token, str) and 0 < len(token) <= 1000:
            for kind, keys in ((INVITE, ('i', 'n')), (SHARE, ('l', 'n'))):
                payload = self.context.signer.unsign(kind, token)
                if payload is not None and all(isinstance(payload.get(k), str) for k in keys):
                    return kind, payload
        raise BadToken('This link is not valid: it may have been cut short or changed.')
