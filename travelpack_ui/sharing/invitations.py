"""Email invitations: one per address, signed and backed by a row that decides expiry, revocation and role.

The row stores only the digest of its token's nonce; the mail itself goes out through `InvitationPost`, which
keeps trying in the background, so the owner sees each invitation's mail state (not yet sent, sent, failed).
"""
import asyncio
from datetime import timedelta
from typing import Any

from nicegui import Event
from sqlalchemy import update
from sqlmodel import Session, col, select

from models import Action, Invitation, User, iso
from models.common import clean_notes
from travelpack_ui.auth.emails import parse_addresses
from travelpack_ui.core.errors import Conflict, Invalid, NotFound
from travelpack_ui.core.mailer import Mailer
from travelpack_ui.core.ratelimit import RateLimiter
from travelpack_ui.core.tokens import digest, random_token
from travelpack_ui.sharing.context import INVITE, MemberChange, SharingContext
from travelpack_ui.sharing.mail import InvitationPost, header_safe
from travelpack_ui.sharing.membership import grantable, lock_as_owner


class Invitations:
    """The owner invites people by email, sees each invitation's state, revokes or resends it."""

    def __init__(self, context: SharingContext, mailer: Mailer) -> None:
        self.context = context
        self.lists = context.lists
        s = context.settings
        self.per_inviter = RateLimiter(context.writer, 'invite_inviter', s.invite_limit, s.invite_window_s)
        self.per_recipient = RateLimiter(context.writer, 'invite_recipient', s.invite_recipient_limit,
                                         s.invite_recipient_window_s)
        self.changed: Event[str] = Event()
        """An invitation of this list was made, sent, failed, revoked or accepted (list id): dialogs refresh."""
        self.post = InvitationPost(context, mailer, self.changed)

    async def invite(self, list_id: str, emails: Any, role: Any, message: Any = None, *,
                     user: User) -> list[dict[str, Any]]:
        """One invitation (and mail) per address; an older pending invitation of the address is replaced."""
        self.lists.require(list_id, user.id, Action.manage_sharing)
        granted = grantable(role)
        recipients = parse_addresses(emails)
        note = message_text(message)
        header_safe(user.display_name, 'your display name')
        for address in recipients:
            await self.per_inviter.hit(user.id, 'invitations from you')
            await self.per_recipient.hit(address, f'invitations to {address}')
        now = self.context.clock()
        expires = now + timedelta(days=self.context.settings.invitation_days)

        def work(session: Session) -> list[tuple[str, str]]:
            plist, _ = lock_as_owner(session, list_id, user.id)
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
                made.append((invitation.id, self.context.signer.sign(INVITE, {'i': invitation.id, 'n': nonce})))
            return made
        def publish(_: list[tuple[str, str]]) -> None:
            self.changed.emit(list_id)
            for address in recipients:
                self.context.members_changed.emit(MemberChange(list_id, 'invited', user.id, email=address,
                                                               role=granted))
        made = await self.context.writer.run(work, publish)
        self.post.tokens.update(made)
        await asyncio.gather(*(self.post.deliver(invitation_id) for invitation_id, _ in made))
        ids = [invitation_id for invitation_id, _ in made]
        return [i for i in self.of(list_id, user=user) if i['id'] in ids]

    def of(self, list_id: str, *, user: User) -> list[dict[str, Any]]:
        """Invitations not revoked (pending, accepted, expired), newest first, each with its mail state."""
        self.lists.require(list_id, user.id, Action.manage_sharing)
        with self.context.db.read() as session:
            rows = session.exec(select(Invitation).where(Invitation.list_id == list_id,
                                                         col(Invitation.revoked_at).is_(None))
                                .order_by(col(Invitation.created_at).desc())).all()
        return [self._public(r) for r in rows]

    async def revoke(self, list_id: str, invitation_id: str, *, user: User) -> None:
        self.lists.require(list_id, user.id, Action.manage_sharing)

        def work(session: Session) -> None:
            lock_as_owner(session, list_id, user.id)
            row = session.get(Invitation, invitation_id)
            if row is None or row.list_id != list_id or row.revoked_at is not None:
                raise NotFound('No such invitation.', code='not_found')
            if row.accepted_at is not None:
                raise Conflict('This invitation was already accepted; remove the collaborator instead.',
                               code='already_accepted')
            row.revoked_at = self.context.clock()
            session.add(row)
        await self.context.writer.run(work, lambda _: self.changed.emit(list_id))
        self.post.tokens.pop(invitation_id, None)

    async def resend(self, list_id: str, invitation_id: str, *, user: User) -> dict[str, Any]:
        """Mail a pending invitation again, with a fresh link and expiry; the earlier link stops working."""
        self.lists.require(list_id, user.id, Action.manage_sharing)
        with self.context.db.read() as session:
            row = session.get(Invitation, invitation_id)
        if row is None or row.list_id != list_id or row.revoked_at is not None:
            raise NotFound('No such invitation.', code='not_found')
        if row.accepted_at is not None:
            raise Conflict('This invitation was already accepted.', code='already_accepted')
        await self.per_inviter.hit(user.id, 'invitations from you')
        await self.per_recipient.hit(row.email, f'invitations to {row.email}')
        await self.post.rotate(invitation_id, reset=True)
        await self.post.deliver(invitation_id)
        return next(i for i in self.of(list_id, user=user) if i['id'] == invitation_id)

    def _public(self, row: Invitation) -> dict[str, Any]:
        return {'id': row.id, 'email': row.email, 'role': row.role, 'expires_at': iso(row.expires_at),
                'status': self.post.status(row), 'created_at': iso(row.created_at), 'sent_at': iso(row.sent_at),
                'send_attempts': row.send_attempts, 'accepted_at': iso(row.accepted_at), 'message': row.message}


def message_text(message: Any) -> str | None:
    """The optional personal note: cleaned like any notes field, several lines allowed (it is body text)."""
    if message is None or message == '':
        return None
    try:
        return clean_notes(message)
    except ValueError as error:
        raise Invalid(f'message: {error}', code='invalid') from None
