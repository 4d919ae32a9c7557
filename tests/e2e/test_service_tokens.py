"""Rasa's HTTP API and the action server refuse callers without their tokens, on the real
stack; the channels' webhooks are not Rasa's HTTP API and stay open to their own checks."""

from pathlib import Path

import httpx
import pytest

from passage.config.service_tokens import action_server_token, rasa_api_token
from tests.e2e.conftest import Stack

# Routes of Rasa's HTTP API (rasa/server.py, each under `requires_auth`).
GUARDED = [
    ("GET", "/status"),
    ("GET", "/conversations/someone/tracker"),
    ("POST", "/conversations/someone/trigger_intent"),
    ("POST", "/conversations/someone/messages"),
    ("POST", "/model/parse"),
    ("GET", "/domain"),
]


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_rasa_http_api_refuses_a_call_without_the_token(
    stack: Stack, method: str, path: str
) -> None:
    url = f"{stack.settings.resolved_rasa_url}{path}"
    for params in ({}, {"token": ""}, {"token": "not-the-token"}):
        response = httpx.request(method, url, params=params, json={"name": "x"}, timeout=30)
        assert response.status_code == 401, (params, response.text)


def test_rasa_http_api_answers_with_the_token(stack: Stack) -> None:
    status = httpx.get(
        f"{stack.settings.resolved_rasa_url}/status", params=stack.rasa_api_params, timeout=30
    )
    assert status.status_code == 200
    assert status.json()["model_file"]
    sender = "token-check-1"
    stack.say(sender, "hello")
    assert stack.tracker_texts(sender)  # the test helper sends the token too


def test_the_channel_webhooks_need_no_api_token(stack: Stack) -> None:
    """Channels (REST here; ours check their own tokens) are not behind `--auth-token`."""
    assert stack.say("token-check-2", "hello")


def test_no_token_shows_on_a_command_line(stack: Stack) -> None:
    secrets = (rasa_api_token(stack.settings), action_server_token(stack.settings))
    for process in stack.group.processes:
        assert process.popen is not None
        command_line = Path(f"/proc/{process.popen.pid}/cmdline").read_bytes()
        assert not any(secret.encode() in command_line for secret in secrets), process.name


def test_the_action_server_refuses_rasa_s_calls_without_the_token(stack: Stack) -> None:
    url = f"http://{stack.settings.host}:{stack.settings.actions_port}/webhook"
    body = {"next_action": "action_set_language", "sender_id": "x", "tracker": {}}
    assert httpx.post(url, json=body, timeout=30).status_code == 401
    assert httpx.post(url, params={"token": "wrong"}, json=body, timeout=30).status_code == 401
