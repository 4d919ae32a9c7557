"""Posting an officer's message to Rasa's channel for it (`bot/channels/relay.py`), and the
tokens the API and those channels show each other.

Rasa gets a conversation id (a keyed hash), the message and two metadata fields; never an
address. Its answers to the message come back in the response. The channels' webhooks are not
Rasa's HTTP API; reading a tracker is, and carries the API's token (`rasa_api_params`).
"""

import hmac
from typing import Any

import httpx

from passage.config import get_settings
from passage.config.process_keys import channel_token
from passage.config.service_tokens import rasa_api_token

_TIMEOUT = httpx.Timeout(30.0, connect=3.0)
_RECENT_EVENTS = 400


class RasaUnavailable(RuntimeError):
    """Rasa did not answer, or not with a list of messages."""


class RasaUnreachable(RasaUnavailable):
    pass


class RasaAnswerInvalid(RasaUnavailable):
    pass


def token_matches(key: bytes, channel: str, authorization: str) -> bool:
    expected = f"Bearer {channel_token(key, channel)}"
    return hmac.compare_digest(authorization.encode(), expected.encode())


async def relay(
    rasa_url: str,
    key: bytes,
    channel: str,
    conversation: str,
    message: str,
    metadata: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The bot's answers to `message` in `conversation`; RasaUnavailable when there are none
    to be had (Rasa down, or an answer that is not a list of messages)."""
    body = {"sender": conversation, "message": message, "metadata": metadata or {}}
    headers = {"Authorization": f"Bearer {channel_token(key, channel)}"}
    url = f"{rasa_url}/webhooks/{channel}/webhook"
    try:
        async with httpx.AsyncClient(timeout=_TIMEOUT, trust_env=False) as client:
            response = await client.post(url, json=body, headers=headers)
    except httpx.HTTPError:
        raise RasaUnreachable("the assistant is not reachable") from None
    try:
        replies = response.json() if response.is_success else None
    except ValueError:
        replies = None
    if not isinstance(replies, list):
        raise RasaAnswerInvalid("the assistant could not answer")
    return [item for item in replies if isinstance(item, dict)]


def rasa_api_params(**params: str) -> dict[str, str]:
    """The query of a call to Rasa's HTTP API: `params` and the token Rasa was started with
    (`--auth-token`; Rasa answers 401 without it)."""
    return {**params, "token": rasa_api_token(get_settings())}


async def _tracker(rasa_url: str, conversation: str) -> dict[str, Any]:
    url = f"{rasa_url}/conversations/{conversation}/tracker"
    try:
        async with httpx.AsyncClient(timeout=_TIMEOUT, trust_env=False) as client:
            response = await client.get(url, params=rasa_api_params())
        tracker = response.json() if response.is_success else {}
    except (httpx.HTTPError, ValueError):
        return {}
    return tracker if isinstance(tracker, dict) else {}


async def conversation_language(rasa_url: str, conversation: str) -> str:
    """The language the officer chose in this conversation (Rasa's `language` slot)."""
    slots = (await _tracker(rasa_url, conversation)).get("slots") or {}
    language = slots.get("language") if isinstance(slots, dict) else None
    return language if isinstance(language, str) and language else "en"


async def recent_buttons(rasa_url: str, conversation: str) -> list[tuple[str, str]]:
    """(title, payload) of the buttons of the conversation's recent bot messages, newest first,
    from Rasa's tracker: what a tap on an older message may refer to."""
    events = (await _tracker(rasa_url, conversation)).get("events") or []
    found: list[tuple[str, str]] = []
    for event in reversed(events[-_RECENT_EVENTS:]):
        if event.get("event") != "bot":
            continue
        for button in (event.get("data") or {}).get("buttons") or []:
            if isinstance(button, dict):
                found.append((str(button.get("title", "")), str(button.get("payload", ""))))
    return found
