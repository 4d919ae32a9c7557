"""Empty PostgreSQL databases made for one test, stack or benchmark run, dropped afterwards."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import URL, create_engine, text
from sqlalchemy.pool import NullPool


@contextmanager
def throwaway_databases(admin_url: URL, *names: str) -> Iterator[list[str]]:
    """New databases on the server of `admin_url`, one per name given (each made unique), as
    URLs with that URL's driver; dropped on the way out, whoever is still connected."""
    unique = uuid.uuid4().hex[:10]
    databases = [f"{name}_{unique}" for name in names]
    # A connection of its own for each statement: a fault test may restart the server between
    # the creation and the drop, which would leave a pooled connection dead.
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    made: list[str] = []
    try:
        with admin.connect() as connection:
            for database in databases:
                connection.execute(text(f'CREATE DATABASE "{database}"'))
                made.append(database)
        yield [admin_url.set(database=d).render_as_string(hide_password=False) for d in made]
    finally:
        with admin.connect() as connection:
            for database in made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
