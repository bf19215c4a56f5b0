"""Who is on a list and with which role: changing a role, removing someone or leaving, transferring ownership.

Every change runs in one write transaction with the list row locked, re-checks the caller's role inside it and
verifies that the list still has exactly one owner before committing (`membership`), so concurrent changes never
leave a list without an owner. After commit, `lists.lifecycle` announces 'members' so open tabs and sockets
re-check access at once.
"""
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models import Action, ListMember, Role, User, iso
from models.common import aware
from models.roles import RANK
from travelpack_ui.core.errors import Forbidden, Invalid, NotFound
from travelpack_ui.sharing.context import MemberChange, SharingContext
from travelpack_ui.sharing.membership import check_one_owner, grantable, lock_as_owner, lock_list


class Collaborators:
    """The members of a list; the owner manages them, anyone may leave."""

    def __init__(self, context: SharingContext) -> None:
        self.context = context
        self.lists = context.lists

    def of(self, list_id: str, *, user: User) -> list[dict[str, Any]]:
        """Everyone on the list, owner first; email addresses only in the owner's view."""
        role = self.lists.require(list_id, user.id, Action.read)
        with self.context.db.read() as session:
            rows = session.exec(select(ListMember, User).join(User, col(User.id) == ListMember.user_id)
                                .where(ListMember.list_id == list_id)).all()
        rows = sorted(rows, key=lambda r: (-RANK[Role(r[0].role)], aware(r[0].added_at), r[1].display_name))
        return [collaborator_public(m, u, with_email=role == Role.owner) for m, u in rows]

    async def set_role(self, list_id: str, target_id: str, role: Any, *, user: User) -> tuple[dict[str, Any], bool]:
        """Change a member's role, or add someone the owner already shares another list with; (entry, created)."""
        self.lists.require(list_id, user.id, Action.manage_sharing)
        granted = grantable(role)
        before: list[str] = []  # the role the member had, for the notification (none when added)

        def work(session: Session) -> tuple[dict[str, Any], bool]:
            lock_as_owner(session, list_id, user.id)
            member = session.get(ListMember, (list_id, target_id))
            created = member is None
            before[:] = [] if member is None else [member.role]
            if member is None:
                if not _knows(session, user.id, target_id):
                    raise NotFound('No such collaborator. Invite people by email instead.', code='not_found')
                member = ListMember(list_id=list_id, user_id=target_id, role=granted, added_by=user.id,
                                    added_at=self.context.clock())
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

        def publish(_: tuple[dict[str, Any], bool]) -> None:
            self.lists.lifecycle.emit(list_id, 'members')
            if before != [granted]:
                what = 'role_changed' if before else 'added'
                self.context.members_changed.emit(MemberChange(list_id, what, user.id, target_id, role=granted))
        return await self.context.writer.run(work, publish)

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

        def publish(_: None) -> None:
            self.lists.lifecycle.emit(list_id, 'members')
            change = MemberChange(list_id, 'left' if leaving else 'removed', user.id, target_id)
            self.context.members_changed.emit(change)
        await self.context.writer.run(work, publish)

    async def transfer(self, list_id: str, target_id: str, *, user: User) -> list[dict[str, Any]]:
        """The member becomes owner and the old owner an editor, in one transaction."""
        self.lists.require(list_id, user.id, Action.manage_sharing)

        def work(session: Session) -> None:
            _, me = lock_as_owner(session, list_id, user.id)
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

        def publish(_: None) -> None:
            self.lists.lifecycle.emit(list_id, 'members')
            self.context.members_changed.emit(MemberChange(list_id, 'transferred', user.id, target_id, role='owner'))
        await self.context.writer.run(work, publish)
        return self.of(list_id, user=user)

    def shared_with_me(self, user: User) -> list[dict[str, Any]]:
        return [s for s in self.lists.summaries(user.id) if s['role'] != Role.owner]

    def needs_welcome(self, list_id: str, user_id: str) -> bool:
        """True on a member's first visit to a list someone shared with them."""
        with self.context.db.read() as session:
            member = session.get(ListMember, (list_id, user_id))
        return member is not None and member.role != Role.owner and not member.welcomed

    async def mark_welcomed(self, list_id: str, user_id: str) -> None:
        def work(session: Session) -> None:
            # one conditional statement: a member removed meanwhile simply matches no row
            session.execute(update(ListMember).where(col(ListMember.list_id) == list_id,
                                                     col(ListMember.user_id) == user_id).values(welcomed=True))
        await self.context.writer.run(work)


def collaborator_public(member: ListMember, user: User, *, with_email: bool) -> dict[str, Any]:
    """A collaborator as the API and the dialogs show it; the email address only where the owner looks."""
    return {'user_id': user.id, 'email': user.email if with_email else None, 'display_name': user.display_name,
            'initials': user.initials, 'color': user.color, 'role': member.role, 'added_at': iso(member.added_at),
            'added_by': member.added_by}


def _knows(session: Session, owner_id: str, target_id: str) -> bool:
    """Whether the two already share some list: only then may the owner add someone without an invitation."""
    mine, theirs = aliased(ListMember), aliased(ListMember)
    query = select(func.count()).select_from(mine).join(theirs, col(mine.list_id) == col(theirs.list_id)) \
        .where(mine.user_id == owner_id, theirs.user_id == target_id)
    return bool(session.exec(query).one())
