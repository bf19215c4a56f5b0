"""What every part of sharing works with, held once so that a test (or a key rotation) changes it for all parts."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from models import utcnow
from travelpack_ui.core.db import Database
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.tokens import LinkSigner
from travelpack_ui.core.writer import Writer
from travelpack_ui.lists.service import ListService

INVITE, SHARE = 'invite', 'share'  # the signer's salt per purpose: an invitation token never opens a share link


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

    def __post_init__(self) -> None:
        self.signer = LinkSigner(self.settings.signing_keys())

    def url(self, kind: str, token: str) -> str:
        """The page a token opens: `/invite/<token>` or `/share/<token>` on this site."""
        return f'{self.settings.base_url.rstrip("/")}/{kind}/{token}'
