"""What every part of sharing works with, held once so that a test (or a key rotation) changes it for all parts."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from nicegui import Event

from models import utcnow
from travelpack_ui.core.db import Database
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.tokens import LinkSigner
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.service import ListService

INVITE, SHARE = 'invite', 'share'  # the signer's salt per purpose: an invitation token never opens a share link


@dataclass(frozen=True)
class MemberChange:
    """One committed change of who is on a list, by whom: what notifications are made of."""
    list_id: str
    what: str  # 'invited' | 'added' | 'role_changed' | 'removed' | 'left' | 'joined' | 'transferred'
    by: str  # the user who did it (the joiner themselves for 'joined')
    user_id: str | None = None  # whom it is about (None for an invitation to an address without a known account)
    email: str | None = None  # an invitation's address
    role: str | None = None


@dataclass
class SharingContext:
    """The database, the one writer, the lists (permissions and `lifecycle`), the link signer and the clock.

    Parts read `signer` and `clock` from here on every use rather than copying them, so replacing either (tests
    move the clock; a new signing key) reaches collaborators, invitations, links and accepting alike.
    """
    settings: Settings
    db: Database
    writer: Writer
    lists: ListService
    signer: LinkSigner = field(init=False)
    clock: Callable[[], datetime] = utcnow
    members_changed: Event[MemberChange] = field(init=False)

    def __post_init__(self) -> None:
        self.signer = LinkSigner(self.settings.signing_keys())
        self.members_changed = Event()
        """After commit: someone was invited, added, changed role, removed, left, joined, or became owner."""

    def url(self, kind: str, token: str) -> str:
        """The page a token opens: `/invite/<token>` or `/share/<token>` on this site."""
        return f'{self.settings.base_url.rstrip("/")}/{kind}/{token}'
