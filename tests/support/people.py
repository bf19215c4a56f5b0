"""Who is who in the simulated-browser tests: accounts by email address."""
from nicegui.testing import User
from sqlmodel import select

from models import User as UserRow
from tests.support.helpers import services
from travelpack_ui.auth.browser import session_user_id


def account(email: str) -> UserRow:
    """The account of `email` (made by signing in)."""
    with services().db.read() as session:
        return session.exec(select(UserRow).where(UserRow.email == email)).one()


def user_id(email: str) -> str:
    return account(email).id



def cookie_user(person: User) -> str | None:
    """Whose id the signed session cookie of `person`'s last page carried (None: signed out)."""
    assert person.client is not None, 'open a page first'
    return session_user_id(person.client.request)
