"""Share links: anyone holding one joins with its role until it expires or the owner revokes it."""
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from models import Action, ShareLink, User, iso
from models.common import aware
from travelpack_ui.core.errors import Invalid, NotFound
from travelpack_ui.core.tokens import random_token
from travelpack_ui.sharing.context import SHARE, SharingContext
from travelpack_ui.sharing.membership import grantable, lock_as_owner

MAX_LINK_HOURS = 8760  # one year


class Links:
    """The owner creates, lists and revokes a list's share links."""

    def __init__(self, context: SharingContext) -> None:
        self.context = context
        self.lists = context.lists

    async def create(self, list_id: str, role: Any, expires_in_hours: Any = None, *, user: User) -> dict[str, Any]:
        self.lists.require(list_id, user.id, Action.manage_sharing)
        granted = grantable(role)
        if expires_in_hours is not None and (not isinstance(expires_in_hours, int) or isinstance(expires_in_hours, bool)
                                             or not 1 <= expires_in_hours <= MAX_LINK_HOURS):
            raise Invalid(f'expires_in_hours: a whole number of hours from 1 to {MAX_LINK_HOURS} (one year).',
                          code='invalid')
        now = self.context.clock()
        link = ShareLink(list_id=list_id, role=granted, nonce=random_token(), created_by=user.id, created_at=now,
                         expires_at=now + timedelta(hours=expires_in_hours) if expires_in_hours else None)

        def work(session: Session) -> None:
            lock_as_owner(session, list_id, user.id)
            session.add(link)
        await self.context.writer.run(work)
        return self._public(link)

    def of(self, list_id: str, *, user: User) -> list[dict[str, Any]]:
        self.lists.require(list_id, user.id, Action.manage_sharing)
        with self.context.db.read() as session:
            rows = session.exec(select(ShareLink).where(ShareLink.list_id == list_id,
                                                        col(ShareLink.revoked_at).is_(None))
                                .order_by(col(ShareLink.created_at).desc())).all()
        return [self._public(r) for r in rows]

    async def revoke(self, list_id: str, link_id: str, *, user: User) -> None:
        """Nobody else joins through it; those who already joined stay until removed."""
        self.lists.require(list_id, user.id, Action.manage_sharing)

        def work(session: Session) -> None:
            lock_as_owner(session, list_id, user.id)
            row = session.get(ShareLink, link_id)
            if row is None or row.list_id != list_id or row.revoked_at is not None:
                raise NotFound('No such share link.', code='not_found')
            row.revoked_at = self.context.clock()
            session.add(row)
        await self.context.writer.run(work)

    def _public(self, row: ShareLink) -> dict[str, Any]:
        """The link's URL is signed afresh from its row's nonce (with today's key), so the owner can copy it again."""
        token = self.context.signer.sign(SHARE, {'l': row.id, 'n': row.nonce})
        expired = row.expires_at is not None and aware(row.expires_at) <= self.context.clock()
        return {'id': row.id, 'url': self.context.url(SHARE, token), 'role': row.role,
                'expires_at': iso(row.expires_at), 'created_at': iso(row.created_at), 'uses': row.uses,
                'expired': expired}
