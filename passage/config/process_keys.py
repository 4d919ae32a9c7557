"""Keys the processes share, made from settings: the chat key, and the tokens the API and
Rasa's relay channels show each other. The runtime hands the tokens to Rasa; the API checks
them. No rule lives here: only where a key comes from."""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from passage.config.settings import Settings

KEY_FILE_NAME = "chat-key"
_MIN_KEY_CHARS = 32
# Rasa's channels of ours that hand their turns to the API and get pushes back from it.
RELAYED_CHANNELS = ("webchat", "telegram", "twilio")


class ChatKeyError(RuntimeError):
    pass


def chat_key(settings: Settings) -> bytes:
    """The configured key, or the key file under var/, made (0600) if it does not exist."""
    if settings.chat_key:
        if len(settings.chat_key) < _MIN_KEY_CHARS:
            raise ChatKeyError(f"PASSAGE_CHAT_KEY must be {_MIN_KEY_CHARS}+ characters")
        return settings.chat_key.encode()
    path = settings.var_dir / KEY_FILE_NAME
    if not path.exists():
        _create_key_file(path)
    text = path.read_text(encoding="ascii").strip()
    if len(text) < _MIN_KEY_CHARS:
        raise ChatKeyError(f"{path} holds no usable key; delete it to make a new one")
    return text.encode()


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return
    with os.fdopen(handle, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(48) + "\n")


def channel_token(key: bytes, channel: str) -> str:
    """What the API and Rasa's channel `channel` show each other (both ways)."""
    return hmac.new(key, f"rasa-{channel}-channel".encode(), hashlib.sha256).hexdigest()
