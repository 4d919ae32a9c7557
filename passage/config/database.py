"""Engine and session factory for the app database, built from settings."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from passage.config.settings import get_settings


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """`pool_size` connections kept, and as many more in a burst (not SQLite: a file)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        # An error's message would quote the statement's values (what an officer typed) into
        # logs and tracebacks; the statement itself is enough to find the fault.
        hide_parameters=True,
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API, the action server and the worker read while one of them writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker[Session]:
    settings = get_settings()
    return sessionmaker(
        make_engine(settings.resolved_database_url, settings.database_pool_size),
        expire_on_commit=False,
    )


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back otherwise."""
    with session_factory().begin() as session:
        yield session
