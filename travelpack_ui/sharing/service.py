"""Sharing: who is on a list, with which role, and the two ways in (email invitations and share links).

Every membership change runs in one write transaction with the list row locked, re-checks the caller's role inside
it and verifies that the list still has exactly one owner before committing, so concurrent changes never leave a
list without an owner. After commit, `lists.lifecycle` announces 'members' so open tabs and sockets re-check access
at once. Tokens are itsdangerous-signed (a salt per purpose) and backed by a row that decides expiry, revocation and
role; an invitation stores only its nonce's digest.
"""
import asyncio
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nicegui import Event, app
from sqlalchemy import func, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models import Action, Invitation, ListMember, PackingList, Role, ShareLink, User, higher, iso, utcnow
from models.common import aware
from models.roles import RANK
from travelpack_ui.core.errors import Conflict, DomainError, Forbidden, Gone, Invalid, NotFound
from travelpack_ui.core.ratelimit import RateLimiter
from travelpack_ui.core.tokens import LinkSigner, digest, random_token
from travelpack_ui.services import Services
from travelpack_ui.sharing.checks import (
    addresses,
    check_one_owner,
    collaborator_public,
    grantable,
    header_safe,
    lock_list,
    message_text,
)
from travelpack_ui.sharing.mail import InvitationPost

log = logging.getLogger(__name__)
INVITE, SHARE = 'invite', 'share'
MAX_LINK_HOURS = 8760  # one year
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


def build_sharing(services: Services) -> 'SharingService':
    """The sharing service, with unsent invitation mails resumed when the app starts."""
    sharing = SharingService(services)
    app.on_startup(sharing.post.resume)
    return sharing


class SharingService:
    """Collaborators, invitations and share links; every write goes through the one writer."""

    def __init__(self, services: Services, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = services.settings
        self.db = services.db
        self.writer = services.writer
        self.mailer = services.mailer
        self.lists = services.lists
        self.signer = LinkSigner(self.settings.signing_keys())
        self.clock = clock
        s = self.settings
        self.per_inviter = RateLimiter(s.invite_limit, s.invite_window_s)
        self.per_recipient = RateLimiter(s.invite_recipient_limit, s.invite_recipient_window_s)
        self.post = InvitationPost(self)
        self.invitations_changed: Event[str] = Event()
        """An invitation of this list was made, sent, failed, revoked or accepted (list id): dialogs refresh."""

    # --- collaborators -------------------------------------------------------------------------------------------

    def collaborators(self, list_id: str, *, user: User) -> list[dict[str, Any]]:
        """Everyone on the list, owner first; email addresses only in the owner's view."""
        role = self.lists.require(list_id, user.id, Action.read)
        with self.db.read() as session:
            rows = session.exec(select(ListMember, User).join(User, col(User.id) == ListMember.user_id)
                                .where(ListMember.list_id == list_id)).all()
        rows = sorted(rows, key=lambda r: (-RANK[Role(r[0].role)], aware(r[0].added_at), r[1].display_name))
        return [collaborator_public(m, u, with_email=role == Role.owner) for m, u in rows]

    async def set_role(self, list_id: str, target_id: str, role: Any, *, user: User) -> tuple[dict[str, Any], bool]:
        """Change a member's role, or add someone the owner already shares another list with; (entry, created)."""
        self.lists.require(list_id, user.id, Action.manage_sharing)
        granted = grantable(role)

        def work(session: Session) -> tuple[dict[str, Any], bool]:
            self._lock_as_owner(session, list_id, user.id)
            member = session.get(ListMember, (list_id, target_id))
            created = member is None
            if member is None:
                if not self._knows(session, user.id, target_id):
                    raise NotFound('No such collaborator. Invite people by email instead.', code='not_found')
                member = ListMember(list_id=list_id, user_id=target_id, role=granted, added_by=user.id,
                                    added_at=self.clock())
            elif member.role == Role.owner:
                raise Invalid('role: the owner stays owner; transfer ownership to make someone else owner.',
                              code='invalid')
            else:
                member.role = granted
            session.add(member)
            session.flush()
            check_one_owner(session, list_id)
            target = session.get(User, target_id)
            assert target is not None
            return collaborator_public(member, target, with_email=True), created
        return await self.writer.run(work, lambda _: self.lists.lifecycle.emit(list_id, 'members'))

    async def remove(self, list_id: str, target_id: str, *, user: User) -> None:
        """The owner removes someone, or someone leaves; their open pages and sockets lose access at once."""
        leaving = target_id == user.id
        role = self.lists.require(list_id, user.id, Action.read)
        if leaving and role == Role.owner:
            raise Forbidden('Transfer ownership first: a list always has an owner.', code='transfer_first')
        if not leaving:
            self.lists.require(list_id, user.id, Action.manage_sharing)

        def work(session: Session) -> None:
            lock_list(session, list_id)
            me = session.get(ListMember, (list_id, user.id))
            if me is None:
                raise NotFound('No such packing list.', code='not_found')
            if leaving:
                if me.role == Role.owner:
                    raise Forbidden('Transfer ownership first: a list always has an owner.', code='transfer_first')
                session.delete(me)
            else:
                if me.role != Role.owner:
                    raise Forbidden('Only the owner manages who is on this list.', code='forbidden')
                target = session.get(ListMember, (list_id, target_id))
                if target is None:
                    raise NotFound('No such collaborator on this list.', code='not_found')
                session.delete(target)
            session.flush()
            check_one_owner(session, list_id)
        await self.writer.run(work, lambda _: self.lists.lifecycle.emit(list_id, 'members'))

    async def transfer(self, list_id: str, target_id: str, *, user: User) -> list[dict[str, Any]]:
        """The member becomes owner and the old owner an editor, in one transaction."""
        self.lists.require(list_id, user.id, Action.manage_sharing)

        def work(session: Session) -> None:
            _, me = self._lock_as_owner(session, list_id, user.id)
            if target_id == user.id:
                raise Invalid('user_id: you already own this list.', code='invalid')
            target = session.get(ListMember, (list_id, target_id))
            if target is None:
                raise NotFound('No such collaborator on this list.', code='not_found')
            me.role, target.role = Role.editor.value, Role.owner.value
            session.add(me)
            session.add(target)
            session.flush()
            check_one_owner(session, list_id)
        await self.writer.run(work, lambda _: self.lists.lifecycle.emit(list_id, 'members'))
        return self.collaborators(list_id, user=user)

    def shared_with_me(self, user: User) -> list[dict[str, Any]]:
        return [s for s in self.lists.summaries(user.id) if s['role'] != Role.owner]

    def needs_welcome(self, list_id: str, user_id: str) -> bool:
        """True on a member's first visit to a list someone shared with them."""
        with self.db.read() as session:
            member = session.get(ListMember, (list_id, user_id))
        return member is not None and member.role != Role.owner and not member.welcomed

    async def mark_welcomed(self, list_id: str, user_id: str) -> None:
        def work(session: Session) -> None:
            # one conditional statement: a member removed meanwhile simply matches no row
            session.execute(update(ListMember).where(col(ListMember.list_id) == list_id,
                                                     col(ListMember.user_id) == user_id).values(welcomed=True))
        await self.writer.run(work)

    # --- invitations ---------------------------------------------------------------------------------------------

    async def invite(self, list_id: str, emails: Any, role: Any, message: Any = None, *,
                     user: User) -> list[dict[str, Any]]:
        """One invitation (and mail) per address; an older pending invitation of the address is replaced."""
        self.lists.require(list_id, user.id, Action.manage_sharing)
        granted = grantable(role)
        recipients = addresses(emails)
        note = message_text(message)
        header_safe(user.display_name, 'your display name')
        for address in recipients:
            self.per_inviter.hit(user.id, 'invitations from you')
            self.per_recipient.hit(address, f'invitations to {address}')
        now = self.clock()
        expires = now + timedelta(days=self.settings.invitation_days)

        def work(session: Session) -> list[tuple[str, str]]:
            plist, _ = self._lock_as_owner(session, list_id, user.id)
            header_safe(plist.name, 'the list name')
            made = []
            for address in recipients:
                session.execute(update(Invitation).where(
                    col(Invitation.list_id) == list_id, col(Invitation.email) == address,
                    col(Invitation.accepted_at).is_(None), col(Invitation.revoked_at).is_(None)).values(revoked_at=now))
                nonce = random_token()
                invitation = Invitation(list_id=list_id, email=address, role=granted, message=note,
                                        nonce_hash=digest(nonce), invited_by=user.id, created_at=now,
                                        expires_at=expires)
                session.add(invitation)
                session.flush()
                made.append((invitation.id, self.signer.sign(INVITE, {'i': invitation.id, 'n': nonce})))
            return made
        made = await self.writer.run(work, lambda _: self.invitations_changed.emit(list_id))
        self.post.tokens.update(made)
        await asyncio.gather(*(self.post.deliver(invitation_id) for invitation_id, _ in made))
        ids = [invitation_id for invitation_id, _ in made]
        return [i for i in self.invitations(list_id, user=user) if i['id'] in ids]

    def invitations(self, list_id: str, *, user: User) -> list[dict[str, Any]]:
        """Invitations not revoked (pending, accepted, expired), newest first, each with its mail state."""
        self.lists.require(list_id, user.id, Action.manage_sharing)
        with self.db.read() as session:
            rows = session.exec(select(Invitation).where(Invitation.list_id == list_id,
                                                         col(Invitation.revoked_at).is_(None))
                                .order_by(col(Invitation.created_at).desc())).all()
        return [self._invitation_public(r) for r in rows]

    async def revoke_invitation(self, list_id: str, invitation_id: str, *, user: User) -> None:
        self.lists.require(list_id, user.id, Action.manage_sharing)

        def work(session: Session) -> None:
            self._lock_as_owner(session, list_id, user.id)
            row = session.get(Invitation, invitation_id)
            if row is None or row.list_id != list_id or row.revoked_at is not None:
                raise NotFound('No such invitation.', code='not_found')
            if row.accepted_at is not None:
                raise Conflict('This invitation was already accepted; remove the collaborator instead.',
                               code='already_accepted')
            row.revoked_at = self.clock()
            session.add(row)
        await self.writer.run(work, lambda _: self.invitations_changed.emit(list_id))
        self.post.tokens.pop(invitation_id, None)

    async def resend(self, list_id: str, invitation_id: str, *, user: User) -> dict[str, Any]:
        """Mail a pending invitation again, with a fresh link and expiry; the earlier link stops working."""
        self.lists.require(list_id, user.id, Action.manage_sharing)
        with self.db.read() as session:
            row = session.get(Invitation, invitation_id)
        if row is None or row.list_id != list_id or row.revoked_at is not None:
            raise NotFound('No such invitation.', code='not_found')
        if row.accepted_at is not None:
            raise Conflict('This invitation was already accepted.', code='already_accepted')
        self.per_inviter.hit(user.id, 'invitations from you')
        self.per_recipient.hit(row.email, f'invitations to {row.email}')
        await self.post.rotate(invitation_id, reset=True)
        await self.post.deliver(invitation_id)
        return next(i for i in self.invitations(list_id, user=user) if i['id'] == invitation_id)

    def _invitation_public(self, row: Invitation) -> dict[str, Any]:
        return {'id': row.id, 'email': row.email, 'role': row.role, 'expires_at': iso(row.expires_at),
                'status': self.post.status(row), 'created_at': iso(row.created_at), 'sent_at': iso(row.sent_at),
                'send_attempts': row.send_attempts, 'accepted_at': iso(row.accepted_at), 'message': row.message}

    def invite_url(self, token: str) -> str:
        return f'{self.settings.base_url.rstrip("/")}/invite/{token}'

    # --- share links ---------------------------------------------------------------------------------------------

    async def create_link(self, list_id: str, role: Any, expires_in_hours: Any = None, *,
                          user: User) -> dict[str, Any]:
        self.lists.require(list_id, user.id, Action.manage_sharing)
        granted = grantable(role)
        if expires_in_hours is not None and (not isinstance(expires_in_hours, int) or isinstance(expires_in_hours, bool)
                                             or not 1 <= expires_in_hours <= MAX_LINK_HOURS):
            raise Invalid(f'expires_in_hours: a whole number of hours from 1 to {MAX_LINK_HOURS} (one year).',
                          code='invalid')
        now = self.clock()
        link = ShareLink(list_id=list_id, role=granted, nonce=random_token(), created_by=user.id, created_at=now,
                         expires_at=now + timedelta(hours=expires_in_hours) if expires_in_hours else None)

        def work(session: Session) -> None:
            self._lock_as_owner(session, list_id, user.id)
            session.add(link)
        await self.writer.run(work)
        return self._link_public(link)

    def links(self, list_id: str, *, user: User) -> list[dict[str, Any]]:
        self.lists.require(list_id, user.id, Action.manage_sharing)
        with self.db.read() as session:
            rows = session.exec(select(ShareLink).where(ShareLink.list_id == list_id,
                                                        col(ShareLink.revoked_at).is_(None))
                                .order_by(col(ShareLink.created_at).desc())).all()
        return [self._link_public(r) for r in rows]

    async def revoke_link(self, list_id: str, link_id: str, *, user: User) -> None:
        """Nobody else joins through it; those who already joined stay until removed."""
        self.lists.require(list_id, user.id, Action.manage_sharing)

        def work(session: Session) -> None:
            self._lock_as_owner(session, list_id, user.id)
            row = session.get(ShareLink, link_id)
            if row is None or row.list_id != list_id or row.revoked_at is not None:
                raise NotFound('No such share link.', code='not_found')
            row.revoked_at = self.clock()
            session.add(row)
        await self.writer.run(work)

    def _link_public(self, row: ShareLink) -> dict[str, Any]:
        token = self.signer.sign(SHARE, {'l': row.id, 'n': row.nonce})
        expired = row.expires_at is not None and aware(row.expires_at) <= self.clock()
        return {'id': row.id, 'url': f'{self.settings.base_url.rstrip("/")}/share/{token}', 'role': row.role,
                'expires_at': iso(row.expires_at), 'created_at': iso(row.created_at), 'uses': row.uses,
                'expired': expired}

    # --- accepting -----------------------------------------------------------------------------------------------

    def describe(self, token: Any) -> TokenInfo:
        """What a token lets in, checked against its row: BadToken (tampered) or Gone (expired, revoked, used)."""
        kind, payload = self._parse(token)
        now = self.clock()
        with self.db.read() as session:
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
            now = self.clock()
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

        def publish(_: str) -> None:
            self.lists.lifecycle.emit(list_id, 'members')
            if kind == INVITE:
                self.invitations_changed.emit(list_id)
        role = await self.writer.run(work, publish)
        return {'list_id': list_id, 'role': role}

    def _parse(self, token: Any) -> tuple[str, dict[str, str]]:
        if isinstance(token, str) and 0 < len(token) <= 1000:
            for kind, keys in ((INVITE, ('i', 'n')), (SHARE, ('l', 'n'))):
                payload = self.signer.unsign(kind, token)
                if payload is not None and all(isinstance(payload.get(k), str) for k in keys):
                    return kind, payload
        raise BadToken('This link is not valid: it may have been cut short or changed.')

    # --- helpers -------------------------------------------------------------------------------------------------

    @staticmethod
    def _lock_as_owner(session: Session, list_id: str, user_id: str) -> tuple[PackingList, ListMember]:
        """Lock the list row and re-check, inside the transaction, that the caller still owns it."""
        plist = lock_list(session, list_id)
        me = session.get(ListMember, (list_id, user_id))
        if plist is None or plist.deleted_at is not None or me is None:
            raise NotFound('No such packing list.', code='not_found')
        if me.role != Role.owner:
            raise Forbidden('Only the owner manages who is on this list.', code='forbidden')
        return plist, me

    @staticmethod
    def _knows(session: Session, owner_id: str, target_id: str) -> bool:
        mine, theirs = aliased(ListMember), aliased(ListMember)
        query = select(func.count()).select_from(mine).join(theirs, mine.list_id == theirs.list_id) \
            .where(mine.user_id == owner_id, theirs.user_id == target_id)
        return bool(session.exec(query).one())

