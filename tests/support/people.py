"""Who is who in the simulated-browser tests: accounts by email address."""
from sqlmodel import select

from models import User as UserRow
from tests.support.helpers import services


def account(email: str) -> UserRow:
    """The account of `email` (made by signing in)."""
    with services().db.read() as session:
        return session.exec(select(UserRow).where(UserRow.email == email)).one()


def user_id(email: str) -> str:
    return account(email).id

