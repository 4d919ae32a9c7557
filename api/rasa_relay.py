"""Posting an officer's message to Rasa's channel for it (`bot/channels/relay.py`), and the
tokens the API and those channels show each other.

Rasa gets a conversation id (a keyed hash), the message and two metadata fields; never an
address. Its answers to the message come back in the response. The channels' webhooks are not
Rasa's HTTP API; reading a tracker is, and carries the API's token (`rasa_api_params`).
"""

import hmac
import uuid
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


# A replica that died or refused: the message may or may not have been handled (the tracker
# says), and another replica can take it. A timeout is not among them: the replica may still
# be working on the message, and sending it again would handle it twice.
_RETRY_STATUSES = frozenset({502, 503})


async def relay(
    rasa_url: str,
    key: bytes,
    channel: str,
    conversation: str,
    message: str,
    metadata: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The bot's answers to `message` in `conversation`; RasaUnavailable when there are none
    to be had (Rasa down, or an answer that is not a list of messages).

    Handled once: the message carries an id of its own. When the Rasa replica it reached dies
    or refuses it (several replicas behind a load balancer), the conversation's tracker tells
    whether the message was handled before that; if so its answers are read from there,
    otherwise it is sent once more, to whichever replica answers, marked as sent again: the
    actions that already ran for it answer as they did, without running again."""
    message_id = uuid.uuid4().hex
    body = {
        "sender": conversation,
        "message": message,
        "metadata": metadata or {},
        "message_id": message_id,
    }
    headers = {"Authorization": f"Bearer {channel_token(key, channel)}"}
    url = f"{rasa_url}/webhooks/{channel}/webhook"
    failure: RasaUnavailable = RasaUnreachable("the assistant is not reachable")
    async with httpx.AsyncClient(timeout=_TIMEOUT, trust_env=False) as client:
        for attempt in range(2):
            if attempt:
                body["metadata"] = {**(metadata or {}), "resend": "1"}
            try:
                response = await client.post(url, json=body, headers=headers)
            except httpx.TimeoutException:
                raise RasaUnreachable("the assistant is not reachable") from None
            except httpx.HTTPError:
                failure = RasaUnreachable("the assistant is not reachable")
            else:
                if response.status_code not in _RETRY_STATUSES:
                    return _replies(response)
                failure = RasaAnswerInvalid("the assistant could not answer")
            handled = await _answers_in_tracker(rasa_url, conversation, message_id)
            if handled is not None:
                return handled
    raise failure


def _replies(response: httpx.Response) -> list[dict[str, Any]]:
    try:
        replies = response.json() if response.is_success else None
    except ValueError:
        replies = None
    if not isinstance(replies, list):
        raise RasaAnswerInvalid("the assistant could not answer")
    return [item for item in replies if isinstance(item, dict)]


async def _answers_in_tracker(
    rasa_url: str, conversation: str, message_id: str
) -> list[dict[str, Any]] | None:
    """The bot's answers to the message with this id, as its channel would have sent them, if
    the tracker holds the message; None if it does not (or cannot be read)."""
    events = (await _tracker(rasa_url, conversation)).get("events") or []
    answers: list[dict[str, Any]] | None = None
    for event in events[-_RECENT_EVENTS:]:
        if not isinstance(event, dict):
            continue
        if event.get("event") == "user":
            if answers is not None:
                break
            if event.get("message_id") == message_id:
                answers = []
        elif event.get("event") == "bot" and answers is not None:
            answers.extend(reply_parts(conversation, event))
    return answers


def reply_parts(recipient_id: str, bot_event: dict[str, Any]) -> list[dict[str, Any]]:
    """A tracker's bot event as the relay channel sends it (bot/channels/replies.py, which
    runs inside Rasa and cannot be imported here): text, buttons and custom data in one
    message, or text without buttons split at blank lines."""
    raw = bot_event.get("data")
    data: dict[str, Any] = raw if isinstance(raw, dict) else {}
    text = bot_event.get("text")
    buttons = data.get("buttons") or data.get("quick_replies")
    custom = data.get("custom")
    if buttons or not text:
        part: dict[str, Any] = {"recipient_id": recipient_id}
        if text:
            part["text"] = text
        if buttons:
            part["buttons"] = buttons
        if custom:
            part["custom"] = custom
        return [part] if len(part) > 1 else []
    parts: list[dict[str, Any]] = [
        {"recipient_id": recipient_id, "text": piece} for piece in str(text).strip().split("\n\n")
    ]
    if custom:
        parts[-1]["custom"] = custom
    return parts


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
