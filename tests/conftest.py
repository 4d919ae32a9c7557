"""Fixtures shared by all suites: an isolated var/ directory and a migrated SQLite database."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from passage.config import Settings, get_settings, session_factory
from passage.runtime.migrate import upgrade


def _clear_cached_wiring() -> None:
    get_settings.cache_clear()
    session_factory.cache_clear()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings of a private var/ under tmp_path; code that calls get_settings() sees them too."""
    monkeypatch.setenv("PASSAGE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PASSAGE_DATABASE_URL", raising=False)
    # Keys from the private var/ (a key file made on first use), not from an e2e session's.
    monkeypatch.delenv("PASSAGE_DATA_KEYS", raising=False)
    _clear_cached_wiring()
    yield get_settings()
    _clear_cached_wiring()


@pytest.fixture
def database(settings: Settings) -> Settings:
    upgrade(settings.resolved_database_url)
    return settings


@pytest.fixture
def session(database: Settings) -> Iterator[Session]:
    with session_factory()() as session:
        yield session
