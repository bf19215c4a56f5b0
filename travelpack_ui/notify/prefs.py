"""Per-person mail settings (digests, reminders, muted lists) and the signed one-click unsubscribe links."""
from typing import Literal

from sqlalchemy import update
from sqlmodel import Session, col, select

from models import ListMember, NotificationSettings, NotificationSettingsPublic, User
from travelpack_ui.core.db import Database
from travelpack_ui.core.errors import DomainError, Invalid
from travelpack_ui.core.tokens import LinkSigner
from travelpack_ui.core.writer import Writer
from travelpack_ui.notify.compose import UNSUBSCRIBE

MailKind = Literal['digests', 'reminders']
WHAT = {'digests': 'digest mails about lists changed while you were away',
        'reminders': 'departure reminder mails'}


class Prefs:
    """Reads and writes what a person wants mailed; unsubscribe tokens name a person and a kind of mail."""

    def __init__(self, db: Database, writer: Writer, signer: LinkSigner, base_url: str) -> None:
        self.db = db
        self.writer = writer
        self.signer = signer
        self.base_url = base_url.rstrip('/')

    def of(self, user_id: str) -> NotificationSettingsPublic:
        with self.db.read() as session:
            row = session.get(NotificationSettings, user_id)
            muted = session.exec(select(ListMember.list_id).where(ListMember.user_id == user_id,
                                                                  col(ListMember.muted).is_(True))).all()
        return NotificationSettingsPublic(digests=row.digests if row else True,
                                          reminders=row.reminders if row else True, muted_lists=sorted(muted))

    async def save(self, user: User, wanted: NotificationSettingsPublic) -> NotificationSettingsPublic:
        """Replace the settings; every muted list must be one of the person's lists (422 otherwise)."""
        muted = set(wanted.muted_lists)

        def work(session: Session) -> None:
            mine = set(session.exec(select(ListMember.list_id).where(ListMember.user_id == user.id)).all())
            if unknown := muted - mine:
                raise Invalid(f'muted_lists: {sorted(unknown)[0]} is not one of your lists.', code='invalid')
            self._set(session, user.id, digests=wanted.digests, reminders=wanted.reminders)
            session.execute(update(ListMember).where(col(ListMember.user_id) == user.id)
                            .values(muted=col(ListMember.list_id).in_(muted) if muted else False))
        await self.writer.run(work)
        return self.of(user.id)

    def unsubscribe_url(self, user_id: str, kind: MailKind) -> str:
        return f'{self.base_url}/unsubscribe/{self.signer.sign(UNSUBSCRIBE, {"u": user_id, "k": kind})}'

    def read_token(self, token: str) -> tuple[User, MailKind]:
        """Whose mail and which kind a link turns off; 400 for a tampered token or one naming nobody we know."""
        payload = self.signer.unsign(UNSUBSCRIBE, token) if len(token) < 500 else None
        kind = payload.get('k') if payload else None
        user_id = payload.get('u') if payload else None
        with self.db.read() as session:
            user = session.get(User, user_id) if isinstance(user_id, str) else None
        if user is None or kind not in WHAT:
            raise DomainError('This unsubscribe link is not valid.', code='invalid_token')
        return user, kind

    async def unsubscribe(self, token: str) -> tuple[User, MailKind]:
        """Turn the token's kind of mail off for its person, without signing in (RFC 8058 one-click)."""
        user, kind = self.read_token(token)
        await self.writer.run(lambda session: self._set(session, user.id, **{kind: False}))
        return user, kind

    @staticmethod
    def _set(session: Session, user_id: str, **values: bool) -> None:
        row = session.get(NotificationSettings, user_id) or NotificationSettings(user_id=user_id)
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
