"""Secrets we hand out: random tokens stored as hashes, JWTs (joserfc), and signed links (itsdangerous)."""
import hashlib
import hmac
import secrets
import time
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from travelpack_ui.core.errors import Unauthorized

JWT_ALGORITHM = 'HS256'
JWT_ISSUER = 'travelpack'
JWT_AUDIENCE = 'travelpack-api'


def random_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What we store instead of a token: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _derive(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


class JwtCodec:
    """Short-lived access tokens: HS256 pinned, and `exp`, `aud`, `iss`, `sub` required and checked."""

    def __init__(self, keys: list[str], *, minutes: int) -> None:
        self.keys = [OctKey.import_key(_derive(k, 'jwt')) for k in keys]
        self.seconds = minutes * 60

    def issue(self, user_id: str) -> str:
        now = int(time.time())
        claims = {'sub': user_id, 'iss': JWT_ISSUER, 'aud': JWT_AUDIENCE, 'iat': now, 'exp': now + self.seconds,
                  'jti': secrets.token_hex(8)}
        return jwt.encode({'alg': JWT_ALGORITHM, 'typ': 'JWT'}, claims, self.keys[0], algorithms=[JWT_ALGORITHM])

    def verify(self, token: str) -> str:
        """The user id the token names; Unauthorized for anything forged, expired, mis-addressed or odd."""
        return str(self.claims(token)['sub'])

    def claims(self, token: str) -> dict[str, Any]:
        """The checked claims (`sub`, `exp`, ...): a socket needs `exp` to close when the token does."""
        registry = jwt.JWTClaimsRegistry(iss={'essential': True, 'value': JWT_ISSUER},
                                         aud={'essential': True, 'value': JWT_AUDIENCE},
                                         exp={'essential': True}, sub={'essential': True}, leeway=5)
        for key in self.keys:
            try:
                decoded = jwt.decode(token, key, algorithms=[JWT_ALGORITHM])
            except (JoseError, ValueError, TypeError):
                continue
            try:
                registry.validate(decoded.claims)
            except JoseError as error:
                raise Unauthorized(f'The access token is not valid ({error.error}).', code='invalid_token') from None
            return dict(decoded.claims)
        raise Unauthorized('The access token is not valid.', code='invalid_token')

    @staticmethod
    def looks_like_jwt(token: str) -> bool:
        return token.count('.') == 2


class LinkSigner:
    """Signed link tokens (invitations, share links): a salt per purpose, older keys still verify."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    def sign(self, purpose: str, payload: dict[str, Any]) -> str:
        return URLSafeSerializer(self.keys[0], salt=f'travelpack.{purpose}').dumps(payload)

    def unsign(self, purpose: str, token: str) -> dict[str, Any] | None:
        """The payload, or None when the token was not signed by us for this purpose (tampered)."""
        serializer = URLSafeSerializer(self.keys, salt=f'travelpack.{purpose}')
        try:
            payload = serializer.loads(token)
        except BadSignature:
            return None
        return payload if isinstance(payload, dict) else None
