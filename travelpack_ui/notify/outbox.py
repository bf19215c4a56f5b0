"""The durable mail outbox: mails are rows first, then claimed with a lease, sent, and marked.

A claim moves a row to `sending` with `claimed_until`; a process that dies mid-SMTP leaves it there, and once the
lease has run out another pass sends it again, with the same Message-ID, once: a row found stale a second time is
marked failed instead, so a crash loop can never mail someone over and over. SMTP failures go back to `pending`
with a doubling delay and end in `failed` after `mail_attempts` tries.
"""
import asyncio
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import make_msgid

from sqlmodel import Session, col, or_, select

from models import MailOutbox, utcnow
from travelpack_ui.core.mailer import Mail, Mailer, MailError
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.writer import Writer

log = logging.getLogger(__name__)
CLAIM_BATCH = 20


def outbox_row(mail: Mail, kind: str) -> MailOutbox:
    """The row that will carry `mail` until it is sent; its Message-ID is fixed now, for every attempt."""
    return MailOutbox(kind=kind, to=mail.to, subject=mail.subject, text=mail.text, html=mail.html,
                      headers=dict(mail.headers or {}), message_id=make_msgid(domain='travelpack'))


class Outbox:
    """Drains `mail_outbox`; any number of processes may drain it at once (rows are claimed, never shared)."""

    def __init__(self, settings: Settings, writer: Writer, mailer: Mailer,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.writer = writer
        self.mailer = mailer
        self.clock = clock
        self.worker = f'{socket.gethostname()}:{os.getpid()}:{id(self):x}'[:64]
        self.send_timeout = settings.smtp_timeout
        self.lease = timedelta(seconds=max(60.0, 3 * settings.smtp_timeout))

    async def drain(self) -> int:
        """Send every mail that is due now; the number sent."""
        sent = 0
        while claimed := await self.writer.run(self._claim):
            for row_id, mail in claimed:
                sent += await self._send(row_id, mail)
            if len(claimed) < CLAIM_BATCH:
                break
        return sent

    def _claim(self, session: Session) -> list[tuple[int, Mail]]:
        now = self.clock()
        rows = session.exec(select(MailOutbox).where(
            col(MailOutbox.status).in_(('pending', 'sending')), col(MailOutbox.next_attempt_at) <= now,
            or_(col(MailOutbox.claimed_until).is_(None), col(MailOutbox.claimed_until) < now))
            .order_by(col(MailOutbox.id)).limit(CLAIM_BATCH).with_for_update(skip_locked=True)).all()
        claimed = []
        for row in rows:
            if row.status == 'sending':  # its sender died mid-send: once more, with the same Message-ID
                if row.resumed:
                    row.status, row.last_error, row.claimed_until = 'failed', 'interrupted twice while sending', None
                    session.add(row)
                    continue
                row.resumed = True
            row.status, row.claimed_by, row.claimed_until = 'sending', self.worker, now + self.lease
            row.attempts += 1
            session.add(row)
            assert row.id is not None
            claimed.append((row.id, Mail(to=row.to, subject=row.subject, text=row.text, html=row.html,
                                         message_id=row.message_id, headers=dict(row.headers or {}))))
        return claimed

    async def _send(self, row_id: int, mail: Mail) -> int:
        error: str | None = None
        try:
            await asyncio.wait_for(self.mailer.send(mail), timeout=self.send_timeout)
        except (MailError, TimeoutError) as failure:
            error = str(failure) or 'The mail server did not answer in time.'
            log.warning('Mail %d to %s not sent: %s', row_id, mail.to, error)
        await self.writer.run(lambda session: self._record(session, row_id, error))
        return 1 if error is None else 0

    def _record(self, session: Session, row_id: int, error: str | None) -> None:
        row = session.get(MailOutbox, row_id)
        if row is None or row.claimed_by != self.worker:
            return  # our lease ran out and someone else owns it now
        now = self.clock()
        row.claimed_by, row.claimed_until = None, None
        if error is None:
            row.status, row.sent_at, row.last_error = 'sent', now, None
        else:
            row.last_error = error[:500]
            if row.attempts >= self.settings.mail_attempts:
                row.status = 'failed'
                log.warning('Mail %d (%s) to %s failed for good after %d attempts: %s', row_id, row.kind, row.to,
                          row.attempts, row.last_error)
            else:
                row.status = 'pending'
                row.next_attempt_at = now + timedelta(seconds=self.settings.mail_retry_s * 2 ** (row.attempts - 1))
        session.add(row)
