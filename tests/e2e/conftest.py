"""The real stack for end-to-end tests: action server, Rasa server and API on free ports.

Everything runs as `make run` runs it (same process definitions, same model), but in a private
var/ directory, so tests never touch a developer's data.
"""

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from passage.database import make_engine
from passage.migrate import upgrade
from passage.processes import ManagedProcess, ProcessGroup
from passage.rasa_project import RasaProject
from passage.settings import Settings
from passage.stack import build_processes


def _processes(settings: Settings, model: Path) -> list[ManagedProcess]:
    return build_processes(settings, model, names=("actions", "rasa", "api"))


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

    def restart(self) -> None:
        """Stop every server and start them again on the same databases."""
        self.group.stop_all()
        self.group = ProcessGroup(_processes(self.settings, self.model))
        self.group.start_all(timeout=300)

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

    def texts(self, sender: str, message: str) -> list[str]:
        return [reply.get("text", "") for reply in self.say(sender, message)]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var_dir: Path = tmp_path_factory.mktemp("e2e") / "var"
    settings = Settings(
        var_dir=var_dir,
        actions_port=_free_port(),
        rasa_port=_free_port(),
        api_port=_free_port(),
        chat_message_max_chars=2000,
        rasa_executable=Path(".venv-rasa/bin/rasa").resolve(),
    )
    upgrade(settings.resolved_database_url)
    model = RasaProject(settings).ensure_model()
    stack = Stack(settings, make_engine(settings.resolved_database_url), ProcessGroup([]), model)
    stack.restart()
    try:
        yield stack
    finally:
        stack.engine.dispose()
        stack.group.stop_all()
