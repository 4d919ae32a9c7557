"""The scaled profile for the end-to-end and browser tests: `PASSAGE_E2E_PROFILE=scaled` starts
every stack with 2 replicas of each process behind nginx, the app database and Rasa's tracker
on fresh PostgreSQL databases (dropped afterwards) and a Redis server of its own for locks,
limits and pushes.
`make test` runs the end-to-end suite this way a second time when PostgreSQL and Redis answer.
"""

import os
import socket
import subprocess
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import redis
from sqlalchemy.engine import make_url

from tests.postgres.throwaway import throwaway_databases

PROFILE_VARIABLE = "PASSAGE_E2E_PROFILE"
REPLICAS = 2
POSTGRES_ADMIN_URL = os.environ.get(
    "PASSAGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_SERVER = Path("/usr/bin/redis-server")


class PrivateRedis:
    """A Redis server of the test run's own (Debian's redis-server, nothing kept on disk), so a
    fault test can stop it and start it again on the same port without touching the machine's
    Redis on 6379."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                str(REDIS_SERVER),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        finally:
            client.close()

    def stop(self) -> None:
        """As a crash: SIGKILL, and its data is gone."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(10)
            self._process = None


def scaled_requested() -> bool:
    profile = os.environ.get(PROFILE_VARIABLE, "embedded")
    if profile not in {"embedded", "scaled"}:
        raise ValueError(f"{PROFILE_VARIABLE} must be embedded or scaled, not {profile!r}")
    return profile == "scaled"


def scaled_settings() -> tuple[dict[str, Any], PrivateRedis, Callable[[], None]]:
    """Settings for a scaled stack on two new databases and a Redis of its own, the Redis, and
    what drops the databases and stops it."""
    private_redis = PrivateRedis()
    private_redis.start()
    databases = ExitStack()
    app_url, tracker_url = databases.enter_context(
        throwaway_databases(make_url(POSTGRES_ADMIN_URL), "passage_e2e", "passage_e2e_tracker")
    )

    def drop() -> None:
        private_redis.stop()
        databases.close()

    return (
        {
            "replicas": REPLICAS,
            "database_url": app_url,
            "tracker_url": tracker_url,
            "redis_url": private_redis.url,
        },
        private_redis,
        drop,
    )
