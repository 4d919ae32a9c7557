"""The tokens that let one process call another's HTTP interface once they no longer share one
machine's loopback: Rasa's HTTP API token (the API and the worker show it to Rasa) and the
action server's token (Rasa shows it to the action server). Each is the configured setting, or
a key file under var/ made (0600) on first use, like the chat key. No rule lives here: only
where a token comes from."""

import os
import secrets
from pathlib import Path

from passage.config.settings import Settings

RASA_API_TOKEN_FILE = "rasa-api-token"  # noqa: S105  (file names, not secrets)
ACTION_SERVER_TOKEN_FILE = "action-server-token"  # noqa: S105
_MIN_TOKEN_CHARS = 32


class ServiceTokenError(RuntimeError):
    pass


def rasa_api_token(settings: Settings) -> str:
    """What callers of Rasa's HTTP API send as `?token=` (Rasa's `--auth-token`)."""
    return _token(settings.rasa_api_token, "PASSAGE_RASA_API_TOKEN", settings, RASA_API_TOKEN_FILE)


def action_server_token(settings: Settings) -> str:
    """What Rasa sends the action server as `?token=` (`action_endpoint.token`)."""
    return _token(
        settings.action_server_token,
        "PASSAGE_ACTION_SERVER_TOKEN",
        settings,
        ACTION_SERVER_TOKEN_FILE,
    )


def _token(configured: str, variable: str, settings: Settings, file_name: str) -> str:
    if configured:
        if len(configured) < _MIN_TOKEN_CHARS:
            # Never the value itself: it is a secret even when too short.
            raise ServiceTokenError(f"{variable} must be {_MIN_TOKEN_CHARS}+ characters")
        return configured
    path = settings.var_dir / file_name
    if not path.exists():
        _create_token_file(path)
    text = path.read_text(encoding="ascii").strip()
    if len(text) < _MIN_TOKEN_CHARS:
        raise ServiceTokenError(f"{path} holds no usable token; delete it to make a new one")
    return text


def _create_token_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return
    with os.fdopen(handle, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(48) + "\n")
