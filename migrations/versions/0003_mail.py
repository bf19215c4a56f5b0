"""mail for people who are away: last-seen marks, notification settings, the mail outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 21:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('notification_settings',
                    sa.Column('user_id', TEXT(length=36), nullable=False),
                    sa.Column('digests', sa.Boolean(), nullable=False),
                    sa.Column('reminders', sa.Boolean(), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('user_id'))
    op.create_table('mail_outbox',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('kind', TEXT(length=20), nullable=False),
                    sa.Column('to', TEXT(length=320), nullable=False),
                    sa.Column('subject', TEXT(length=400), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('html', sa.Text(), nullable=True),
                    sa.Column('headers', sa.JSON(), nullable=False),
                    sa.Column('message_id', TEXT(length=200), nullable=False),
                    sa.Column('status', TEXT(length=10), nullable=False),
                    sa.Column('attempts', sa.Integer(), nullable=False),
                    sa.Column('resumed', sa.Boolean(), nullable=False),
                    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('claimed_by', TEXT(length=64), nullable=True),
                    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('last_error', TEXT(length=500), nullable=True),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_mail_outbox_due', 'mail_outbox', ['status', 'next_attempt_at'], unique=False)
    op.create_index('ix_activity_list_at', 'activity', ['list_id', 'at'], unique=False)
    with op.batch_alter_table('list_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('digest_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('digest_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_for', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('muted', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('list_member', schema=None) as batch_op:
        batch_op.drop_column('muted')
        batch_op.drop_column('reminded_for')
        batch_op.drop_column('digest_sent_at')
        batch_op.drop_column('digest_until')
        batch_op.drop_column('last_seen_at')
    op.drop_index('ix_activity_list_at', table_name='activity')
    op.drop_index('ix_mail_outbox_due', table_name='mail_outbox')
    op.drop_table('mail_outbox')
    op.drop_table('notification_settings')
