"""The account itself: reading and updating it, taking all its data away, and deleting it.

Each flow exists once here, for the JSON API and the profile page alike.
"""
from typing import Any

from nicegui import Event
from sqlmodel import Session, select

from models import ListMember, PackingList, Role, User, UserPublic
from travelpack_ui.auth.credentials import CredentialEnded
from travelpack_ui.core.db import Database
from travelpack_ui.core.errors import NotFound
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.service import ListService


class Accounts:
    """People's accounts; deleting one also deletes the lists it owns, and says so to their rooms."""

    def __init__(self, db: Database, writer: Writer, lists: ListService) -> None:
        self.db = db
        self.writer = writer
        self.lists = lists
        self.credential_ended: Event[CredentialEnded] = Event()
        """After commit: a personal access token was revoked or an account deleted; sockets opened with it close."""

    def user(self, user_id: str | None) -> User | None:
        if not user_id:
            return None
        with self.db.read() as session:
            return session.get(User, user_id)

    async def update(self, user: User, **fields: Any) -> User:
        """Set the given fields; a None leaves its field as it is."""
        def work(session: Session) -> User:
            row = session.get(User, user.id)
            if row is None:
                raise NotFound('No such user.', code='not_found')
            for name, value in fields.items():
                if value is not None:
                    setattr(row, name, value)
            session.add(row)
            return row
        return await self.writer.run(work)

    def export(self, user: User) -> dict[str, Any]:
        """All of the user's data: the profile and every list they can see, in full."""
        summaries = self.lists.summaries(user.id)
        return {'user': UserPublic.of(user).model_dump(),
                'lists': [self.lists.snapshot(s['id'], s['role']) for s in summaries]}

    async def delete(self, user: User) -> None:
        """Delete the account, the lists it owns and its credentials; other lists just lose a member.

        After commit the account's credentials are announced as ended, then each deleted list on `lists.lifecycle`,
        so its own sockets close as unauthenticated and everyone else's leave the deleted lists at once.
        """
        def work(session: Session) -> list[str]:
            owned = session.exec(select(ListMember.list_id).where(ListMember.user_id == user.id,
                                                                  ListMember.role == Role.owner)).all()
            for list_id in owned:
                plist = session.get(PackingList, list_id)
                if plist is not None:
                    session.delete(plist)
            row = session.get(User, user.id)
            if row is not None:
                session.delete(row)
            return list(owned)

        def publish(owned: list[str]) -> None:
            self.credential_ended.emit(CredentialEnded(user.id))  # first: the account's own sockets close with 4401
            for list_id in owned:
                self.lists.lifecycle.emit(list_id, 'deleted')
        await self.writer.run(work, publish)
