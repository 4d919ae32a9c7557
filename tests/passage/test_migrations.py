"""The migrations build exactly the schema the models describe, and can be undone."""

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

# Every table, as the migrations' env.py sees them, so the test compares against the whole
# schema when it runs alone too.
import referral_directory.models  # noqa: F401
from casework.tables import casework_metadata
from passage.config import make_engine
from passage.runtime.migrate import alembic_config, upgrade
from referral_directory.db import DirectoryBase


def test_upgraded_schema_matches_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection), [DirectoryBase.metadata, casework_metadata()]
        )
    engine.dispose()
    assert differences == []


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    upgrade(url)
