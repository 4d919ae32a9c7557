"""Who a web chat is: an HttpOnly cookie, a tab id, and the server's chat key.

The browser holds a random cookie it cannot read (HttpOnly, SameSite=Strict) and each tab a
random tab id in its sessionStorage, so a reload keeps the conversation and another tab is
another conversation. The conversation id (Rasa's sender id, what enrolment binds to an
account) is an HMAC of both under the server key: it never reaches the page, a URL or a log,
and knowing one from a database copy does not let anyone write into it.

The same key makes the conversation ids of Telegram chats and phones
(`casework.chat_addresses`) and the tokens of Rasa's channels (`api.rasa_relay`).
"""

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from passage.settings import Settings

COOKIE_NAME = "passage_chat"
KEY_FILE_NAME = "chat-key"
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{43}$")
TAB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SENDER_PREFIX = "web-"
_MIN_KEY_CHARS = 32


class ChatKeyError(RuntimeError):
    pass


def new_cookie_value() -> str:
    return secrets.token_urlsafe(32)


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


def is_cookie_value(value: str | None) -> bool:
    return bool(value) and _COOKIE_VALUE.match(value or "") is not None


def sender_for(key: bytes, cookie: str | None, tab: str | None) -> str | None:
    """The conversation id of this cookie and tab; None when either is missing or malformed."""
    if not cookie or not tab or not is_cookie_value(cookie) or not TAB_ID.match(tab):
        return None
    digest = hmac.new(key, f"sender:{cookie}:{tab}".encode(), hashlib.sha256).hexdigest()
    return SENDER_PREFIX + digest[:32]


def browser_of(key: bytes, cookie: str) -> str:
    """A digest of the browser's chat cookie, to find all its tabs (quick exit forgets them all)."""
    return hmac.new(key, f"browser:{cookie}".encode(), hashlib.sha256).hexdigest()
