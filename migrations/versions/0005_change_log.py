"""the change log, and PostgreSQL announcing each new list version

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 00:40:00

On PostgreSQL a trigger on `packing_list.version` issues `NOTIFY travelpack_changes` with the list id and the new
version inside the writing transaction, so every process hears of a change if and only if it commits, whoever
wrote it (another process, a script, an operator's SQL).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString

ANNOUNCE = """
CREATE FUNCTION travelpack_announce_version() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('travelpack_changes', json_build_object('l', NEW.id, 'v', NEW.version)::text);
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
TRIGGER = """
CREATE TRIGGER packing_list_version_announced AFTER UPDATE OF version ON packing_list
FOR EACH ROW WHEN (NEW.version IS DISTINCT FROM OLD.version) EXECUTE FUNCTION travelpack_announce_version()
"""


def upgrade() -> None:
    op.create_table('list_change',
                    sa.Column('list_id', TEXT(length=36), nullable=False),
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.Column('change', sa.JSON(), nullable=False),
                    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['list_id'], ['packing_list.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('list_id', 'version'))
    op.create_index(op.f('ix_list_change_at'), 'list_change', ['at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(ANNOUNCE)
        op.execute(TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER packing_list_version_announced ON packing_list')
        op.execute('DROP FUNCTION travelpack_announce_version()')
    op.drop_index(op.f('ix_list_change_at'), table_name='list_change')
    op.drop_table('list_change')
