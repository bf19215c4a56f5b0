"""Sign-in and credentials: magic links, access and refresh tokens, personal access tokens.

The account they belong to is `Accounts`' (auth/accounts.py); credentials are one job, kept together here.
"""
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import update
from sqlmodel import Session, col, select

from models import ApiToken, MagicToken, User, iso, utcnow
from models.common import aware
from travelpack_ui.auth.accounts import Accounts
from travelpack_ui.auth.credentials import Credential, CredentialEnded
from travelpack_ui.auth.emails import normalise_email
from travelpack_ui.core.db import Database
from travelpack_ui.core.errors import NotFound, Unauthorized
from travelpack_ui.core.mailer import Mail, Mailer, MailError
from travelpack_ui.core.ratelimit import RateLimiter
from travelpack_ui.core.settings import Settings
from travelpack_ui.core.tokens import JwtCodec, digest, random_token
from travelpack_ui.core.writer import Writer

log = logging.getLogger(__name__)


def safe_next(value: Any) -> str:
    """A path on this site, or '/': never an open redirect."""
    if not isinstance(value, str) or not value.startswith('/') or value.startswith(('//', '/\\')) \
            or any(ch in value for ch in '\r\n\\') or len(value) > 2000:
        return '/'
    return value


class AuthService:
    """Issues and checks every credential; with `create_account`, the only code that creates accounts."""

    def __init__(self, settings: Settings, db: Database, writer: Writer, mailer: Mailer, accounts: Accounts) -> None:
        self.settings = settings
        self.accounts = accounts
        self.db = db
        self.writer = writer
        self.mailer = mailer
        self.jwt = JwtCodec(settings.signing_keys(), minutes=settings.access_token_minutes)
        self.per_email = RateLimiter(writer, 'magic_link_email', settings.magic_link_email_limit,
                                     settings.magic_link_email_window_s)
        self.per_ip = RateLimiter(writer, 'magic_link_ip', settings.magic_link_ip_limit,
                                  settings.magic_link_ip_window_s)

    # --- magic links ---------------------------------------------------------------------------------------------

    async def request_magic_link(self, email: Any, *, next_path: Any = '/', client_ip: str = '') -> None:
        """Mail a sign-in link (whether or not an account exists: the answer is the same)."""
        address = normalise_email(email)
        await self.per_ip.hit(client_ip or 'unknown', 'sign-in requests from this address')
        await self.per_email.hit(address, 'sign-in links for this email address')
        token = random_token()
        minutes = self.settings.magic_link_minutes

        def work(session: Session) -> None:
            session.add(MagicToken(token_hash=digest(token), email=address, next_path=safe_next(next_path),
                                   expires_at=utcnow() + timedelta(minutes=minutes)))
        await self.writer.run(work)
        link = f'{self.settings.base_url.rstrip("/")}/auth/magic?token={quote(token)}'
        text = (f'Hello,\n\nfollow this link to sign in to TravelPack:\n\n{link}\n\n'
                f'It works once and expires in {minutes} minutes. If you did not ask for it, ignore this mail.\n')
        html = (f'<p>Hello,</p><p><a href="{link}">Sign in to TravelPack</a></p>'
                f'<p>The link works once and expires in {minutes} minutes. '
                f'If you did not ask for it, ignore this mail.</p>')
        try:
            await self.mailer.send(Mail(to=address, subject='Your TravelPack sign-in link', text=text, html=html,
                                        link=link))
        except MailError:
            log.exception('Sign-in mail could not be sent')

    def peek_magic_token(self, token: str) -> MagicToken | None:
        """The token's row if it is still usable, without using it up (for the sign-in page a GET shows)."""
        with self.db.read() as session:
            row = session.get(MagicToken, digest(token or ''))
        if row is None or row.used_at is not None or aware(row.expires_at) <= utcnow():
            return None
        return row

    async def consume_magic_token(self, token: Any) -> tuple[User, str]:
        """Use the token up (atomically: exactly one caller wins) and return the user it signs in, and `next`."""
        if not isinstance(token, str) or not token or len(token) > 200:
            raise Unauthorized('This sign-in link is not valid.', code='invalid_token')
        hashed = digest(token)

        def work(session: Session) -> tuple[User, str]:
            now = utcnow()
            used = session.execute(update(MagicToken).where(col(MagicToken.token_hash) == hashed,
                                                            col(MagicToken.used_at).is_(None),
                                                            col(MagicToken.expires_at) > now).values(used_at=now))
            if used.rowcount != 1:  # type: ignore[attr-defined]
                raise Unauthorized('This sign-in link is not valid, has expired or was already used.',
                                   code='invalid_token')
            row = session.get(MagicToken, hashed)
            assert row is not None
            user = session.exec(select(User).where(User.email == row.email)).first()
            return user or create_account(session, row.email), row.next_path
        return await self.writer.run(work)

    # --- API credentials -----------------------------------------------------------------------------------------

    async def issue_tokens(self, user: User) -> dict[str, Any]:
        refresh = random_token()
        days = self.settings.refresh_token_days

        def work(session: Session) -> None:
            session.add(ApiToken(user_id=user.id, kind='refresh', name='refresh', token_hash=digest(refresh),
                                 expires_at=utcnow() + timedelta(days=days)))
        await self.writer.run(work)
        return {'access_token': self.jwt.issue(user.id), 'token_type': 'bearer', 'expires_in': self.jwt.seconds,
                'refresh_token': refresh}

    async def refresh(self, refresh_token: Any) -> dict[str, Any]:
        """Trade a refresh token for a new access token and a new refresh token (the old one is used up)."""
        if not isinstance(refresh_token, str) or not refresh_token:
            raise Unauthorized('The refresh token is not valid.', code='invalid_token')
        hashed = digest(refresh_token)

        def work(session: Session) -> User:
            now = utcnow()
            used = session.execute(update(ApiToken).where(col(ApiToken.token_hash) == hashed,
                                                          col(ApiToken.kind) == 'refresh',
                                                          col(ApiToken.revoked_at).is_(None),
                                                          col(ApiToken.expires_at) > now).values(revoked_at=now))
            if used.rowcount != 1:  # type: ignore[attr-defined]
                raise Unauthorized('The refresh token is not valid, has expired or was already used.',
                                   code='invalid_token')
            row = session.exec(select(ApiToken).where(ApiToken.token_hash == hashed)).one()
            user = session.get(User, row.user_id)
            assert user is not None
            return user
        user = await self.writer.run(work)
        return await self.issue_tokens(user)

    def authenticate(self, token: str | None) -> User:
        """The user a bearer token (JWT or personal access token) belongs to; Unauthorized otherwise."""
        return self.identify(token)[0]

    def identify(self, token: str | None) -> tuple[User, Credential]:
        """The user and which credential of theirs the token is, for connections that must end with it."""
        if not token:
            raise Unauthorized('Sign in first: send "Authorization: Bearer <token>".', code='unauthorized')
        if JwtCodec.looks_like_jwt(token):
            claims = self.jwt.claims(token)
            user_id = str(claims['sub'])
            credential = Credential(user_id, expires_at=float(claims['exp']))
        else:
            with self.db.read() as session:
                row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(token),
                                                          ApiToken.kind == 'personal')).first()
            if row is None or row.revoked_at is not None:
                raise Unauthorized('The access token is not valid.', code='invalid_token')
            user_id = row.user_id
            credential = Credential(user_id, token_id=row.id)
        user = self.accounts.user(user_id)
        if user is None:
            raise Unauthorized('The account behind this token no longer exists.', code='invalid_token')
        return user, credential

    def still_valid(self, credential: Credential) -> bool:
        """Whether the account (and the personal access token) behind a connection still exist unrevoked.

        Events reach this process's sockets at once; this read catches what another process ended, on the next
        message a socket sends.
        """
        with self.db.read() as session:
            if credential.token_id is None:
                return session.get(User, credential.user_id) is not None
            row = session.get(ApiToken, credential.token_id)
            return row is not None and row.revoked_at is None and session.get(User, credential.user_id) is not None

    async def create_personal_token(self, user: User, name: str) -> dict[str, Any]:
        token = 'tp_' + random_token()
        row = ApiToken(user_id=user.id, kind='personal', name=name, token_hash=digest(token))
        await self.writer.run(lambda session: session.add(row))
        return {**_token_public(row), 'token': token}

    def personal_tokens(self, user: User) -> list[dict[str, Any]]:
        with self.db.read() as session:
            rows = session.exec(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.kind == 'personal',
                                                       col(ApiToken.revoked_at).is_(None))
                                .order_by(col(ApiToken.created_at))).all()
        return [_token_public(r) for r in rows]

    async def revoke_personal_token(self, user: User, token_id: str) -> None:
        def work(session: Session) -> None:
            row = session.get(ApiToken, token_id)
            if row is None or row.user_id != user.id or row.kind != 'personal' or row.revoked_at is not None:
                raise NotFound('No such token.', code='not_found')
            row.revoked_at = utcnow()
            session.add(row)
        await self.writer.run(work, lambda _: self.accounts.credential_ended.emit(CredentialEnded(user.id, token_id)))


def create_account(session: Session, email: str) -> User:
    """A new account for an address that has none, inside the caller's transaction.

    Only a proven address gets one: a first magic-link sign-in, or pressing "Join" on an email invitation (the
    invitation mail proved the address just as a sign-in mail does).
    """
    user = User(email=email, display_name=email.split('@')[0][:200] or 'Traveler')
    session.add(user)
    session.flush()
    return user


def _token_public(row: ApiToken) -> dict[str, Any]:
    return {'id': row.id, 'name': row.name, 'created_at': iso(row.created_at), 'last_used_at': iso(row.last_used_at)}

