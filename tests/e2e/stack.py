"""The real stack for end-to-end and browser tests: the processes `make run` starts (same
definitions, same model), on free ports in a private var/ directory, so tests never touch a
developer's data."""

import json
import signal
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from casework.enrolment import issue_code
from casework.roles import OFFICER
from passage.config import Settings, make_engine
from passage.config.service_tokens import rasa_api_token
from passage.runtime.migrate import upgrade
from passage.runtime.processes import ManagedProcess, ProcessGroup
from passage.runtime.rasa_project import RasaProject
from passage.runtime.sandbox.fake_twilio import FakeTwilio
from passage.runtime.stack import build_processes, with_sandbox_if_needed
from referral_directory.importer import import_directory
from tests.casework.account_builders import account
from tests.fakes.fake_telegram import FakeTelegram
from translations.catalog import shipped_catalogs


def _processes(settings: Settings, model: Path) -> list[ManagedProcess]:
    return build_processes(settings, model)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Stack:
    settings: Settings
    engine: Engine
    group: ProcessGroup
    model: Path
    twilio: FakeTwilio | None
    telegram: FakeTelegram | None = None

    def restart(self) -> None:
        """Stop every server and start them again on the same databases."""
        self.group.stop_all()
        self.group = ProcessGroup(_processes(self.settings, self.model))
        self.group.start_all(timeout=300)

    def process(self, name: str) -> ManagedProcess:
        return next(p for p in self.group.processes if p.name == name)

    def worker(self) -> ManagedProcess:
        return next(p for p in self.group.processes if p.name == "worker")

    def kill_worker(self) -> None:
        """SIGKILL, as a crash: no cleanup runs."""
        worker = self.worker()
        worker.signal_group(signal.SIGKILL)
        worker.wait(10)
        worker.close()
        self.group.processes.remove(worker)

    def start_worker(self) -> None:
        (worker,) = build_processes(self.settings, self.model, names=("worker",))
        self.group.processes.append(worker)
        ProcessGroup([worker]).start_all(timeout=60)

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


def free_port() -> int:
    return _free_port()


def start_stack(var_dir: Path, twilio: FakeTwilio | None, **overrides: Any) -> Stack:
    """Every server of `make run`, healthy; with `twilio`, SMS go to that fake, without it the
    stack runs the phone sandbox as `make run` does without a Twilio account."""
    api_port = _free_port()
    fields: dict[str, Any] = {
        "var_dir": var_dir,
        "actions_port": _free_port(),
        "rasa_port": _free_port(),
        "api_port": api_port,
        "sms_sandbox_port": _free_port(),
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
    stack.restart()
    return stack
