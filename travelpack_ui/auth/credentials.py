"""Which credential opened a long-lived connection, and the news that one has ended.

A WebSocket outlives the request that authenticated it: a personal access token can be revoked, an account
deleted, an access token can expire while the socket is open. Connections keep the `Credential` they were opened
with and listen for `CredentialEnded` (announced by `Accounts.credential_ended`), so they can close at once.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class CredentialEnded:
    """A credential that stopped being valid: one personal access token, or every credential of an account."""
    user_id: str
    token_id: str | None = None
    """The revoked personal access token's id; None when the account itself is gone (all its credentials end)."""


@dataclass(frozen=True)
class Credential:
    """What a bearer token stood for when it was checked."""
    user_id: str
    token_id: str | None = None
    """The personal access token's id (None for a JWT)."""
    expires_at: float | None = None
    """A JWT's `exp` in epoch seconds (None for a personal access token, which lasts until it is revoked)."""

    def ended_by(self, ended: CredentialEnded) -> bool:
        return ended.user_id == self.user_id and (ended.token_id is None or ended.token_id == self.token_id)
