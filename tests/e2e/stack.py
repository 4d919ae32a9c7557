"""The real stack for end-to-end and browser tests: the processes `make run` starts (same
definitions, same model), on free ports in a private var/ directory, so tests never touch a
developer's data."""

import json
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from casework.enrolment import issue_code
from casework.roles import OFFICER
from passage.config import Settings, make_engine
from passage.config.service_tokens import rasa_api_token
from passage.runtime.load_balancer import REPLICA_PORT_STEP
from passage.runtime.migrate import upgrade
from passage.runtime.processes import ManagedProcess, ProcessGroup
from passage.runtime.rasa_project import RasaProject
from passage.runtime.sandbox.fake_twilio import FakeTwilio
from passage.runtime.stack import build_processes, replica_process, with_sandbox_if_needed
from referral_directory.importer import import_directory
from tests.casework.account_builders import account
from tests.e2e.scaled_profile import PrivateRedis, scaled_requested, scaled_settings
from tests.fakes.fake_telegram import FakeTelegram
from tests.ports import free_port
from translations.catalog import shipped_catalogs


def _processes(settings: Settings, model: Path) -> list[ManagedProcess]:
    return build_processes(settings, model)


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _front_port(replicas: int) -> int:
    """A free port whose replicas' ports (passage.runtime.load_balancer) are free too."""
    while True:
        port = free_port()
        replica_ports = [port + REPLICA_PORT_STEP * i for i in range(1, replicas + 1)]
        if replicas == 1 or all(p <= 65535 and _is_free(p) for p in replica_ports):
            return port


@dataclass
class Stack:
    settings: Settings
    engine: Engine
    group: ProcessGroup
    model: Path
    twilio: FakeTwilio | None
    telegram: FakeTelegram | None = None
    # What stop() undoes besides the processes (the scaled profile's databases and Redis).
    cleanups: list[Callable[[], None]] = field(default_factory=list)
    redis: PrivateRedis | None = None

    def stop(self) -> None:
        self.engine.dispose()
        self.group.stop_all()
        for cleanup in self.cleanups:
            cleanup()

    def tracker_rows(self) -> list[tuple[str, str]]:
        """Every (sender id, data) row of Rasa's tracker store, as stored."""
        engine = create_engine(_app_driver(self.settings.resolved_tracker_url))
        try:
            with engine.connect() as connection:
                rows = connection.execute(text("SELECT sender_id, data FROM events")).all()
        finally:
            engine.dispose()
        return [(sender, data) for sender, data in rows]

    def tracker_stored_text(self) -> str:
        """All that the tracker store's database holds where a search can find it: the SQLite
        file's bytes, or every text column of every row on PostgreSQL."""
        if not self.settings.scaled:
            return self.settings.resolved_tracker_db.read_bytes().decode("latin-1")
        engine = create_engine(_app_driver(self.settings.resolved_tracker_url))
        try:
            with engine.connect() as connection:
                # Every text column; the numbers (id, timestamp) cannot hold what was typed,
                # and as text a timestamp's digits can look like part of a phone number.
                rows = connection.execute(
                    text(
                        "SELECT concat_ws(' ', sender_id, type_name, intent_name, action_name, "
                        "data) FROM events"
                    )
                ).scalars()
                return "\n".join(rows)
        finally:
            engine.dispose()

    def restart(self) -> None:
        """Stop every server and start them again on the same databases."""
        self.group.stop_all()
        self.group = ProcessGroup(_processes(self.settings, self.model))
        self.group.start_all(timeout=300)

    def process(self, name: str) -> ManagedProcess:
        return next(p for p in self.group.processes if p.name == name)

    def workers(self) -> list[ManagedProcess]:
        """The worker, or every worker replica."""
        return [p for p in self.group.processes if p.name.split()[0] == "worker"]

    def kill_workers(self) -> None:
        """SIGKILL, as a crash: no cleanup runs; no worker is left."""
        for worker in self.workers():
            worker.signal_group(signal.SIGKILL)
            worker.wait(10)
            worker.close()
            self.group.processes.remove(worker)

    def start_workers(self) -> None:
        workers = build_processes(self.settings, self.model, names=("worker",))
        self.group.processes.extend(workers)
        ProcessGroup(workers).start_all(timeout=60)

    def kill_replica(self, name: str) -> ManagedProcess:
        """SIGKILL one replica of the scaled profile, e.g. "Rasa server 1"; the others run on."""
        process = self.process(name)
        process.signal_group(signal.SIGKILL)
        process.wait(10)
        process.close()
        self.group.processes.remove(process)
        return process

    def start_replica(self, kind: str, index: int) -> None:
        """Start replica `index` of "actions", "rasa", "api" or "worker" again."""
        process = replica_process(self.settings, self.model, kind, index)
        self.group.processes.append(process)
        ProcessGroup([process]).start_all(timeout=300)

    def tracker_events(self, sender: str) -> list[dict[str, Any]]:
        response = httpx.get(
            f"{self.settings.resolved_rasa_url}/conversations/{sender}/tracker",
            params=self.rasa_api_params,
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return list(response.json()["events"])

    def tracker_texts(self, sender: str) -> list[str]:
        """What the bot said in a conversation, proactive messages included."""
        response = httpx.get(
            f"{self.settings.resolved_rasa_url}/conversations/{sender}/tracker",
            params=self.rasa_api_params,
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return [e.get("text") or "" for e in response.json()["events"] if e["event"] == "bot"]

    @property
    def rasa_api_params(self) -> dict[str, str]:
        """The query every call to Rasa's HTTP API needs: the token Rasa was started with."""
        return {"token": rasa_api_token(self.settings)}

    @property
    def rest_webhook(self) -> str:
        return f"{self.settings.resolved_rasa_url}/webhooks/rest/webhook"

    @property
    def api(self) -> str:
        return f"http://{self.settings.host}:{self.settings.api_port}"

    def say(self, sender: str, message: str) -> list[dict]:
        # json.dumps escapes to ASCII, so even lone surrogates travel as valid JSON.
        response = httpx.post(
            self.rest_webhook,
            content=json.dumps({"sender": sender, "message": message}),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return list(response.json())

    def import_directory(self, path: Path) -> None:
        """Loads an HSDS file into the stack's database, as a coordinator's import does; every
        record must be taken."""
        with Session(self.engine) as session:
            report = import_directory(session, path)
            assert report.ok, report.lines()
            session.commit()

    def texts(self, sender: str, message: str) -> list[str]:
        return [reply.get("text", "") for reply in self.say(sender, message)]

    def enrolment_code(
        self, username: str, *, role: str = OFFICER, unit: str = "unit-1", region: str = "north"
    ) -> str:
        """A one-time code for the account, made as an admin would (the account on first use)."""
        with Session(self.engine) as session:
            holder = account(session, username, role=role, unit=unit, region=region)
            code = issue_code(session, holder, issued_by="e2e-admin", now=datetime.now(UTC))
            session.commit()
        return code

    def enrol(self, sender: str, username: str, **account_fields: str) -> str:
        """Enrol the chat identity the way an officer does: by sending the code in the chat.
        Returns the code."""
        code = self.enrolment_code(username, **account_fields)
        assert self.texts(sender, f"My code: {code.lower()}") == [
            shipped_catalogs().lookup("utter_enrolled", "en").text
        ]
        return code


def _app_driver(url: str) -> str:
    """The tracker's URL as Rasa takes it, for this process's PostgreSQL driver (psycopg 3)."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def start_stack(var_dir: Path, twilio: FakeTwilio | None, **overrides: Any) -> Stack:
    """Every server of `make run`, healthy; with `twilio`, SMS go to that fake, without it the
    stack runs the phone sandbox as `make run` does without a Twilio account. With
    PASSAGE_E2E_PROFILE=scaled, the scaled profile (tests/e2e/scaled_profile.py)."""
    profile: dict[str, Any] = {}
    drop_databases: Callable[[], None] | None = None
    private_redis: PrivateRedis | None = None
    if scaled_requested():
        profile, private_redis, drop_databases = scaled_settings()
    replicas = int(profile.get("replicas", 1))
    api_port = _front_port(replicas)
    fields: dict[str, Any] = profile | {
        "var_dir": var_dir,
        "actions_port": _front_port(replicas),
        "rasa_port": _front_port(replicas),
        "api_port": api_port,
        "sms_sandbox_port": free_port(),
        "chat_message_max_chars": 2000,
        "rasa_executable": Path(".venv-rasa/bin/rasa").resolve(),
        "public_base_url": f"http://127.0.0.1:{api_port}",
        "worker_interval_seconds": 0.5,
        "outbox_stale_after_seconds": 3,
        # Every client here is 127.0.0.1 (tests, fake Twilio, providers): one address's limit
        # would throttle the whole run. The limits have their own tests in tests/api.
        "rate_limit_per_ip_per_minute": 1_000_000,
        "rate_limit_per_chat_sender_per_minute": 1_000_000,
    }
    if twilio is not None:
        fields |= {
            "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": twilio.auth_token,
            "twilio_from_number": twilio.valid_from,
            "twilio_api_base": twilio.base_url,
        }
    settings = Settings(**(fields | overrides))
    if twilio is None:
        settings = with_sandbox_if_needed(settings, demo=True)  # the browser tests run the demo
    upgrade(settings.resolved_database_url)
    model = RasaProject(settings).ensure_model()
    stack = Stack(
        settings, make_engine(settings.resolved_database_url), ProcessGroup([]), model, twilio
    )
    stack.redis = private_redis
    if drop_databases is not None:
        stack.cleanups.append(drop_databases)
    try:
        stack.restart()
    except BaseException:
        stack.stop()
        raise
    return stack
