"""Invitation mail: composing it (text and HTML, user text escaped, nothing user-made in a header) and getting
it out. A send is bounded by a timeout; a failed one is retried in the background, so SMTP being down or slow never
loses an invitation, and its state (not yet sent, sent, failed) is kept on the row for the owner to see.
"""
import asyncio
import logging
from datetime import timedelta
from html import escape

from nicegui import Event, background_tasks
from sqlmodel import Session, col, select

from models import Invitation, PackingList, User
from models.common import aware
from travelpack_ui.core.errors import Invalid
from travelpack_ui.core.mailer import Mail, Mailer, MailError
from travelpack_ui.core.tokens import digest, random_token
from travelpack_ui.sharing.context import INVITE, SharingContext

log = logging.getLogger(__name__)
CLAIM_MARGIN_S = 30.0  # a claim outlives the send's timeout by this much; a process that died mid-send lets go then

ROLE_SENTENCE = {
    'editor': 'add, change and pack items',
    'viewer': 'see the list and follow along as it is packed',
}


def invitation_mail(*, to: str, inviter: str, list_name: str, role: str, link: str, message: str | None,
                    days: int) -> Mail:
    """Names the list, the inviter and the role; the personal message is body text (several lines allowed)."""
    subject = f'{inviter} invited you to the packing list "{list_name}"'
    if any(ch in subject for ch in '\r\n'):
        raise ValueError('line breaks in a mail header')
    allows = ROLE_SENTENCE.get(role, 'see the list')
    text = (f'Hello,\n\n{inviter} invited you to pack together on TravelPack: the list "{list_name}", '
            f'as {role} (you can {allows}).\n\n')
    if message:
        text += f'{inviter} wrote:\n\n' + '\n'.join(f'> {line}' for line in message.splitlines()) + '\n\n'
    text += (f'Join the list:\n\n{link}\n\nThe link is for {to}; it works once and expires in {days} days.\n'
             f'If you did not expect this mail, ignore it.\n')
    html = (f'<p>Hello,</p><p><strong>{escape(inviter)}</strong> invited you to pack together on TravelPack: '
            f'the list <strong>&ldquo;{escape(list_name)}&rdquo;</strong>, as {escape(role)} '
            f'(you can {escape(allows)}).</p>')
    if message:
        lines = '<br>'.join(escape(line) for line in message.splitlines())
        html += f'<blockquote style="border-left:3px solid #ccc;padding-left:8px">{lines}</blockquote>'
    html += (f'<p><a href="{escape(link)}">Join &ldquo;{escape(list_name)}&rdquo;</a></p>'
             f'<p>The link is for {escape(to)}; it works once and expires in {days} days. '
             f'If you did not expect this mail, ignore it.</p>')
    return Mail(to=to, subject=subject, text=text, html=html, link=link)


def header_safe(text: str, what: str) -> None:
    """Anything that reaches a mail header (the subject names the inviter and the list) must be one line."""
    if any(ch in text for ch in '\r\n'):
        raise Invalid(f'Line breaks in {what} cannot go into an email; please change it first.', code='invalid')


class InvitationPost:
    """The invitations' outbox: sends their mails and retries the ones that did not go out."""

    def __init__(self, context: SharingContext, mailer: Mailer, changed: Event[str]) -> None:
        self.context = context
        self.mailer = mailer
        self.changed = changed  # the invitations' event: a recorded attempt changes what the owner sees
        self.send_timeout = min(context.settings.smtp_timeout, 10.0)
        self.retry_delays: tuple[float, ...] = (5.0, 30.0, 120.0, 600.0)
        self.tokens: dict[str, str] = {}  # invitation id → its token, while its mail still has to go out

    async def resume(self) -> None:
        """After a restart: retry the invitation mails that had not gone out (with fresh links)."""
        now = self.context.clock()
        with self.context.db.read() as session:
            ids = session.exec(select(Invitation.id).where(
                col(Invitation.sent_at).is_(None), col(Invitation.revoked_at).is_(None),
                col(Invitation.accepted_at).is_(None), col(Invitation.expires_at) > now,
                col(Invitation.send_attempts) < self.max_attempts)).all()
        for invitation_id in ids:
            background_tasks.create(self._retry(invitation_id, 0.0), name='invitation mail resume')

    @property
    def max_attempts(self) -> int:
        return 1 + len(self.retry_delays)

    async def deliver(self, invitation_id: str) -> None:
        """Try to send one invitation mail (bounded by `send_timeout`); on failure retry later in the background.

        The mail is claimed first, so that of processes started together (each resuming the unsent ones) or a
        retry meeting a resend, one sends it.
        """
        if not await self._claim(invitation_id):
            return
        with self.context.db.read() as session:
            row = session.get(Invitation, invitation_id)
            plist = session.get(PackingList, row.list_id) if row else None
            inviter = session.get(User, row.invited_by) if row else None
        if row is None or plist is None or self.status(row) != 'not_sent':
            self.tokens.pop(invitation_id, None)
            await self.context.writer.run(lambda session: self._let_go(session, invitation_id))
            return
        token = self.tokens.get(invitation_id) or await self.rotate(invitation_id)
        mail = invitation_mail(to=row.email, inviter=inviter.display_name if inviter else 'Someone',
                               list_name=plist.name, role=row.role, link=self.context.url(INVITE, token),
                               message=row.message, days=self.context.settings.invitation_days)
        error: str | None = None
        try:
            await asyncio.wait_for(self.mailer.send(mail), timeout=self.send_timeout)
        except (MailError, TimeoutError) as failure:
            error = str(failure) or 'The mail server did not answer in time.'
            log.warning('Invitation mail %s not sent (attempt %d): %s', invitation_id, row.send_attempts + 1, error)
        attempts = await self._record_attempt(invitation_id, row.list_id, error)
        if error is None or attempts >= self.max_attempts:
            self.tokens.pop(invitation_id, None)
        else:
            delay = self.retry_delays[min(attempts - 1, len(self.retry_delays) - 1)]
            background_tasks.create(self._retry(invitation_id, delay), name='invitation mail retry')

    async def _claim(self, invitation_id: str) -> bool:
        def work(session: Session) -> bool:
            row = session.get(Invitation, invitation_id, with_for_update=True)
            now = self.context.clock()
            if row is None or row.sent_at is not None or (row.sending_until and aware(row.sending_until) > now):
                return False
            row.sending_until = now + timedelta(seconds=self.send_timeout + CLAIM_MARGIN_S)
            session.add(row)
            return True
        return await self.context.writer.run(work)

    @staticmethod
    def _let_go(session: Session, invitation_id: str) -> None:
        row = session.get(Invitation, invitation_id)
        if row is not None:
            row.sending_until = None
            session.add(row)

    async def _retry(self, invitation_id: str, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.deliver(invitation_id)

    async def _record_attempt(self, invitation_id: str, list_id: str, error: str | None) -> int:
        def work(session: Session) -> int:
            row = session.get(Invitation, invitation_id)
            if row is None:
                return self.max_attempts
            row.send_attempts += 1
            row.send_error = error[:500] if error else None
            self._let_go(session, invitation_id)
            if error is None:
                row.sent_at = self.context.clock()
            session.add(row)
            return row.send_attempts
        return await self.context.writer.run(work, lambda _: self.changed.emit(list_id))

    async def rotate(self, invitation_id: str, *, reset: bool = False) -> str:
        """A fresh nonce (we keep only digests, so a lost token cannot be re-made): the old link stops working."""
        nonce = random_token()
        now = self.context.clock()

        def work(session: Session) -> None:
            row = session.get(Invitation, invitation_id)
            if row is None:
                return
            row.nonce_hash = digest(nonce)
            if reset:
                row.send_attempts, row.send_error, row.sent_at = 0, None, None
                row.expires_at = now + timedelta(days=self.context.settings.invitation_days)
            session.add(row)
        await self.context.writer.run(work)
        token = self.context.signer.sign(INVITE, {'i': invitation_id, 'n': nonce})
        self.tokens[invitation_id] = token
        return token

    def status(self, row: Invitation) -> str:
        if row.accepted_at is not None:
            return 'accepted'
        if row.revoked_at is not None:
            return 'revoked'
        if aware(row.expires_at) <= self.context.clock():
            return 'expired'
        if row.sent_at is not None:
            return 'sent'
        return 'failed' if row.send_attempts >= self.max_attempts else 'not_sent'
