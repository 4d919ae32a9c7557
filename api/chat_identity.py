"""Who a web chat is: an HttpOnly cookie, a tab id, and the server's chat key.

The browser holds a random cookie it cannot read (HttpOnly, SameSite=Strict) and each tab a
random tab id in its sessionStorage, so a reload keeps the conversation and another tab is
another conversation. The conversation id (Rasa's sender id, what enrolment binds to an
account) is an HMAC of both under the server key: it never reaches the page, a URL or a log,
and knowing one from a database copy does not let anyone write into it.

The same key makes the conversation ids of Telegram chats and phones
(`casework.chat_addresses`) and the tokens of Rasa's channels (`passage.config.process_keys`).
"""

import hashlib
import hmac
import re
import secrets

COOKIE_NAME = "passage_chat"
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{43}$")
TAB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SENDER_PREFIX = "web-"


def new_cookie_value() -> str:
    return secrets.token_urlsafe(32)


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
