"""The schema comes from Alembic, on SQLite and on PostgreSQL, and matches the models (no forgotten migration)."""
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from travelpack_ui.core.db import MIGRATIONS, Database


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    config.set_main_option('sqlalchemy.url', url.replace('%', '%%'))
    return config


def test_migrations_build_the_models_schema_and_roll_back(database_url: str) -> None:
    db = Database(database_url)
    try:
        db.migrate()
        assert {'packing_list', 'item', 'list_member', 'op_record', 'activity', 'invitation', 'share_link'} <= \
            set(inspect(db.reader).get_table_names())
        command.check(alembic_config(database_url))  # raises when the models differ from the migrations
        command.downgrade(alembic_config(database_url), 'base')
        assert 'item' not in inspect(db.reader).get_table_names()
        db.migrate()
        assert 'item' in inspect(db.reader).get_table_names()
    finally:
        db.dispose()
