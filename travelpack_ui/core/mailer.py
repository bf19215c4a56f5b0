"""Outgoing mail: aiosmtplib to the configured server, or one log line per mail when no server is set."""
import logging
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from travelpack_ui.core.settings import Settings

log = logging.getLogger('travelpack.mail')


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    link: str | None = None
    message_id: str | None = None  # the outbox keeps one per mail, so a resend is recognisably the same mail
    headers: dict[str, str] | None = None  # e.g. List-Unsubscribe; never user-made text


class MailError(Exception):
    """The mail could not be handed to the SMTP server."""


class Mailer:
    """Sends mail; without an SMTP host it writes the link to the log (and flushes at once) instead."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, mail: Mail) -> None:
        for part in (mail.to, mail.subject, *(mail.headers or {}).values()):
            if '\r' in part or '\n' in part:
                raise MailError('Line breaks are not allowed in mail headers.')
        if not self.settings.smtp_host:
            self._log(mail)
            return
        message = EmailMessage()
        message['From'] = self.settings.mail_from
        message['To'] = mail.to
        message['Subject'] = mail.subject
        message['Message-ID'] = mail.message_id or make_msgid(domain='travelpack')
        for name, value in (mail.headers or {}).items():
            message[name] = value
        message.set_content(mail.text)
        if mail.html:
            message.add_alternative(mail.html, subtype='html')
        s = self.settings
        try:
            await aiosmtplib.send(message, hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_username or None,
                                  password=s.smtp_password or None, start_tls=s.smtp_starttls if s.smtp_port != 465
                                  else False, use_tls=s.smtp_port == 465, timeout=s.smtp_timeout)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise MailError(f'Could not send mail to {mail.to}: {error}') from error

    def _log(self, mail: Mail) -> None:
        log.warning('Mail to %s: %s %s', mail.to, mail.subject, mail.link or '')
        for handler in [*log.handlers, *logging.getLogger().handlers]:
            handler.flush()
        sys.stderr.flush()
