"""The scaled profile for the end-to-end and browser tests: `PASSAGE_E2E_PROFILE=scaled` starts
every stack with 2 replicas of each process behind nginx, the app database and Rasa's tracker
on fresh PostgreSQL databases (dropped afterwards) and Redis for locks, limits and pushes.
`make test` runs the end-to-end suite this way a second time when PostgreSQL and Redis answer.
"""

import os
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PROFILE_VARIABLE = "PASSAGE_E2E_PROFILE"
REPLICAS = 2
POSTGRES_ADMIN_URL = os.environ.get(
    "PASSAGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# A database of its own, away from a developer's db 0; keys are per conversation, so two runs
# sharing it do not meet.
REDIS_URL = os.environ.get("PASSAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def scaled_requested() -> bool:
    profile = os.environ.get(PROFILE_VARIABLE, "embedded")
    if profile not in {"embedded", "scaled"}:
        raise ValueError(f"{PROFILE_VARIABLE} must be embedded or scaled, not {profile!r}")
    return profile == "scaled"


def scaled_settings() -> tuple[dict[str, Any], Callable[[], None]]:
    """Settings for a scaled stack on two new databases, and what drops them."""
    admin_url = make_url(POSTGRES_ADMIN_URL)
    run = uuid.uuid4().hex[:10]
    names = [f"passage_e2e_{run}", f"passage_e2e_{run}_tracker"]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    app_url, tracker_url = (
        admin_url.set(database=name).render_as_string(hide_password=False) for name in names
    )
    return {
        "replicas": REPLICAS,
        "database_url": app_url,
        "tracker_url": tracker_url,
        "redis_url": REDIS_URL,
    }, drop
