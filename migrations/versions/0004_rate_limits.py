"""rate-limit hits counted in the database, shared by every process

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 22:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('rate_hit',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('scope', TEXT(length=40), nullable=False),
                    sa.Column('bucket', TEXT(length=64), nullable=False),
                    sa.Column('at', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_rate_hit_bucket_at', 'rate_hit', ['bucket', 'at'], unique=False)
    op.create_index('ix_rate_hit_scope_at', 'rate_hit', ['scope', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_rate_hit_scope_at', table_name='rate_hit')
    op.drop_index('ix_rate_hit_bucket_at', table_name='rate_hit')
    op.drop_table('rate_hit')
