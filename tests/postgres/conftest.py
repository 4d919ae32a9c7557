"""A fresh PostgreSQL database per test, made and dropped on the server named by
PASSAGE_TEST_POSTGRES_URL (default: postgres on 127.0.0.1:5432, trust auth).

Every test here is skipped, with the reason, when that server does not answer.
"""

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from passage.config import Settings, get_settings, session_factory
from passage.runtime.migrate import upgrade
from tests.postgres.throwaway import throwaway_databases

ADMIN_URL = os.environ.get(
    "PASSAGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_admin_url() -> URL:
    """The maintenance database's URL, once the server has answered a query."""
    url = make_url(ADMIN_URL)
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        pytest.skip(f"PostgreSQL does not answer at {url.render_as_string()}: {reason}")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def postgres_url(postgres_admin_url: URL) -> Iterator[str]:
    """The URL of an empty database of this test's own, dropped afterwards."""
    with throwaway_databases(postgres_admin_url, "passage_test") as (url,):
        yield url


@pytest.fixture
def postgres_database(
    settings: Settings, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The app configured on the fresh PostgreSQL database, at the newest schema."""
    monkeypatch.setenv("PASSAGE_DATABASE_URL", postgres_url)
    get_settings.cache_clear()
    session_factory.cache_clear()
    upgrade(postgres_url)
    yield get_settings()
    session_factory().kw["bind"].dispose()
    session_factory.cache_clear()
    get_settings.cache_clear()
