"""Rate-limit hits, counted in the database so every process sees the same count (limits per address or account).

A row is one counted hit: which limiter (`scope`), whose (`bucket`, a hash of the key, so addresses are not kept
in clear) and when (`at`, seconds since the epoch: every process shares the wall clock, not a monotonic one).
"""
from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class RateHit(SQLModel, table=True):
    __tablename__ = 'rate_hit'
    __table_args__ = (Index('ix_rate_hit_bucket_at', 'bucket', 'at'), Index('ix_rate_hit_scope_at', 'scope', 'at'))

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=40)
    bucket: str = Field(max_length=64)
    at: float
