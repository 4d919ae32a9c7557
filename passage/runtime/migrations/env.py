"""Alembic environment: the URL comes from the caller's config, the tables from our models."""

from alembic import context
from sqlalchemy import Connection

# Imported for its side effect: it registers the directory's tables on their metadata.
import referral_directory.models  # noqa: F401
from casework.tables import casework_metadata
from passage.config import make_engine
from referral_directory.db import DirectoryBase

# Every table, so that autogenerate never reads a table it was not shown as one to drop.
target_metadata = [DirectoryBase.metadata, casework_metadata()]


def _run(connection: Connection) -> None:
    # render_as_batch: SQLite can only alter tables by copying them.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


url = context.config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("alembic config has no sqlalchemy.url")
if context.is_offline_mode():
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with make_engine(url).connect() as conn:
        _run(conn)
