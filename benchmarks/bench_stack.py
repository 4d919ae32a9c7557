"""The servers for a benchmark: the processes `make run` starts, on free ports in a temp dir."""

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount
from casework.enrolment import issue_code
from passage.config import Settings, make_engine
from passage.runtime.migrate import upgrade
from passage.runtime.processes import ProcessGroup
from passage.runtime.rasa_project import RasaProject
from passage.runtime.stack import build_processes
from tests.ports import free_port

if TYPE_CHECKING:
    from passage.runtime.sandbox.fake_twilio import FakeTwilio
    from tests.e2e.stack import Stack


@contextmanager
def running_stack() -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="passage-bench-") as tmp:
        settings = Settings(
            var_dir=Path(tmp) / "var",
            actions_port=free_port(),
            rasa_port=free_port(),
            api_port=free_port(),
            rasa_executable=Path(".venv-rasa/bin/rasa").resolve(),
            log_level="WARNING",
            # Every client here is 127.0.0.1 (tests, fake Twilio, providers): one address's limit
            # would throttle the whole run. The limits have their own tests in tests/api.
            rate_limit_per_ip_per_minute=1_000_000,
            rate_limit_per_chat_sender_per_minute=1_000_000,
        )
        upgrade(settings.resolved_database_url)
        model = RasaProject(settings).ensure_model()
        group = ProcessGroup(build_processes(settings, model, names=("actions", "rasa", "api")))
        print("starting the action server, Rasa and the API ...", file=sys.stderr, flush=True)
        group.start_all(timeout=300)
        try:
            yield settings
        finally:
            group.stop_all()


def enrolment_code(settings: Settings, username: str) -> str:
    """A one-time code of a fresh officer account, made outside the timings: only enrolled
    chats may open cases."""
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as session:
        officer = StaffAccount(
            organization_id="bench",
            username=username,
            password_hash="!",
            role="officer",
            unit="bench-unit",
            region="bench",
            disabled=False,
            failed_logins=0,
            created_at=datetime.now(UTC),
        )
        session.add(officer)
        session.flush()
        code = issue_code(session, officer, issued_by="benchmark", now=datetime.now(UTC))
        session.commit()
    engine.dispose()
    return code


def enrol(settings: Settings, url: str, sender: str) -> None:
    """Enrol a REST sender (the benchmark's chat identity) to a fresh officer account."""
    code = enrolment_code(settings, f"bench.{sender}")
    httpx.post(url, json={"sender": sender, "message": code}, timeout=60).raise_for_status()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@contextmanager
def whole_stack(twilio: "FakeTwilio | None", **overrides: Any) -> Iterator["Stack"]:
    """Every process `make run` starts, the worker at its default tick, in a temporary var/;
    without `twilio`, the phone sandbox, as `make run` on the demo database."""
    from passage.config import get_settings
    from passage.core.field_crypto.keyring import new_key_line
    from tests.e2e.stack import start_stack

    os.environ["PASSAGE_DATA_KEYS"] = keys = new_key_line()
    get_settings.cache_clear()
    with tempfile.TemporaryDirectory(prefix="passage-bench-") as tmp:
        settings: dict[str, Any] = {
            "data_keys": keys,
            "log_level": "WARNING",
            "worker_interval_seconds": Settings.model_fields["worker_interval_seconds"].default,
        }
        stack = start_stack(Path(tmp) / "var", twilio, **(settings | overrides))
        try:
            yield stack
        finally:
            stack.stop()
