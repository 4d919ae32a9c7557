"""Bring a database to the newest schema with Alembic, without an alembic.ini on disk."""

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported when a database is opened, not with this module: every `passage` command
# imports it, and most never touch the database.


def alembic_config(database_url: str) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(database_url: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), "head")


def open_database() -> None:
    """For commands: the configured app database, at the newest schema."""
    from passage.config import get_settings

    upgrade(get_settings().resolved_database_url)
