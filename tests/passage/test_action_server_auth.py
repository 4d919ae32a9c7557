"""The action server (rasa-sdk, `passage serve actions`) answers only callers that show its
token as `?token=`, the way Rasa sends `action_endpoint.token`; its health check stays open."""

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from passage.config import Settings
from passage.config.service_tokens import action_server_token
from passage.runtime.processes import ProcessGroup
from passage.runtime.stack import build_processes
from tests.ports import free_port

TOKEN = secrets.token_urlsafe(40)


def _action_call(language: str = "fr") -> dict[str, Any]:
    """What Rasa 3.6 posts to run `action_set_language` (no database needed)."""
    return {
        "next_action": "action_set_language",
        "sender_id": "officer-1",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "officer-1",
            "slots": {},
            "latest_message": {
                "text": "français",
                "intent": {"name": "choose_language", "confidence": 1.0},
                "entities": [{"entity": "language", "value": language}],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        },
    }


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("actions") / "var"


@pytest.fixture(scope="module")
def actions_url(var_dir: Path) -> Iterator[str]:
    settings = Settings(var_dir=var_dir, actions_port=free_port(), action_server_token=TOKEN)
    group = ProcessGroup(build_processes(settings, Path("unused.tar.gz"), names=("actions",)))
    group.start_all(timeout=120)
    try:
        yield f"http://{settings.host}:{settings.actions_port}"
    finally:
        group.stop_all()


def _post(url: str, **params: str) -> httpx.Response:
    return httpx.post(
        f"{url}/webhook",
        params=params,
        content=json.dumps(_action_call()),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )


def test_a_call_without_the_token_is_refused(actions_url: str) -> None:
    response = _post(actions_url)
    assert response.status_code == 401
    assert "events" not in response.text


@pytest.mark.parametrize("wrong", ["", "x", TOKEN[:-1], TOKEN + "x", TOKEN.upper()])
def test_a_call_with_a_wrong_token_is_refused(actions_url: str, wrong: str) -> None:
    assert _post(actions_url, token=wrong).status_code == 401


def test_a_call_with_the_token_runs_the_action(actions_url: str) -> None:
    response = _post(actions_url, token=TOKEN)
    assert response.status_code == 200, response.text
    assert {"event": "slot", "name": "language", "value": "fr"}.items() <= response.json()[
        "events"
    ][0].items()


def test_the_list_of_actions_is_guarded_too(actions_url: str) -> None:
    assert httpx.get(f"{actions_url}/actions", timeout=10).status_code == 401
    listed = httpx.get(f"{actions_url}/actions", params={"token": TOKEN}, timeout=10)
    assert listed.status_code == 200


def test_only_the_health_check_is_open(actions_url: str) -> None:
    assert httpx.get(f"{actions_url}/health", timeout=10).json()["status"] == "ok"


def test_the_configured_token_is_the_one_used(tmp_path: Path) -> None:
    assert action_server_token(Settings(var_dir=tmp_path, action_server_token=TOKEN)) == TOKEN


def test_the_token_is_never_logged(actions_url: str, var_dir: Path) -> None:
    """After the calls above, refused and accepted (runs last in this module)."""
    _post(actions_url, token=TOKEN)
    log = (var_dir / "log" / "actions.log").read_text(encoding="utf-8")
    assert log  # the server did write its log
    assert TOKEN not in log
