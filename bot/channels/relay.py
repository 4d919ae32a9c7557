"""The officers' channels as Rasa sees them: the web chat, Telegram, and SMS or WhatsApp
through Twilio (this module runs inside the Rasa server).

Officers never talk to Rasa. The API is the edge of every channel: it checks who is writing (the
web chat's cookie, Telegram's secret token, Twilio's signature), keeps the chat's address
encrypted in the app database, and posts each message here with the channel's token and a
conversation id that is a keyed hash, never an address. The answers come back in that HTTP
response, like the REST channel's. What Rasa says without being asked (a provider's answer,
woken by the worker through `trigger_intent?output_channel=latest`) goes the other way: the
channel's output posts it to the API, which sends it on to the page, the Telegram chat or the
phone.

Input is checked as in the guarded REST channel (`channels.guarded_rest`). The API sends along
which question a typed answer was given to (`metadata.step`) and how a tapped button read
(`metadata.shown`); nothing else of the message metadata is kept.
"""

import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guarded_rest import (
    GuardedRestInput,
    clean_text,
    enrolment_payload,
    max_chars,
    refuse,
)
from channels.replies import RepliesCollector, reply_parts

logger = logging.getLogger(__name__)

_STEP = re.compile(r"^(?:[A-Z2-9]{4}-[A-Z2-9]{4}/)?[a-z0-9_]{1,64}$")
_MAX_SHOWN = 300
_PUSH_TIMEOUT = aiohttp.ClientTimeout(total=10)


class PushFailed(RuntimeError):
    """The API did not take a pushed message: Rasa answers the trigger with an error, and the
    worker tries again later."""


_MESSAGE_ID = re.compile(r"^[0-9a-f]{32}$")


def checked_message_id(raw: Any) -> str | None:
    """The API's id for the message (32 hex digits), or None: Rasa then makes one."""
    return raw if isinstance(raw, str) and _MESSAGE_ID.match(raw) else None


def checked_metadata(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    kept = {}
    step, shown = raw.get("step"), raw.get("shown")
    if isinstance(step, str) and _STEP.match(step):
        kept["step"] = step
    if isinstance(shown, str) and shown.strip():
        kept["shown"] = clean_text(shown)[:_MAX_SHOWN]
    # The API sends a message again when the replica that took it died: the action server then
    # answers each action as it did the first time (passage/runtime/outage_executor.py).
    if raw.get("resend") == "1":
        kept["resend"] = "1"
    return kept


class PushOutput(OutputChannel):
    """Posts what Rasa says unasked to the API, one message at a time, in order."""

    def __init__(self, channel: str, push_url: str, token: str) -> None:
        self._channel = channel
        self._push_url = push_url
        self._token = token

    def name(self) -> str:  # type: ignore[override]  # an instance's channel, not a class's
        return self._channel

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        headers = {"Authorization": f"Bearer {self._token}"}
        async with aiohttp.ClientSession(timeout=_PUSH_TIMEOUT, trust_env=False) as client:
            for part in reply_parts(recipient_id, message):
                body = {"recipient": recipient_id, "message": _without_recipient(part)}
                try:
                    async with client.post(self._push_url, json=body, headers=headers) as answer:
                        status = answer.status
                except aiohttp.ClientError as error:
                    raise PushFailed(type(error).__name__) from None
                if status >= 300:
                    raise PushFailed(f"the API answered {status}")


def _without_recipient(part: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in part.items() if key != "recipient_id"}


class RelayInput(InputChannel):
    """A channel whose messages the API relays; subclasses name the channel and its senders."""

    CHANNEL = ""
    SENDER = re.compile(r"^$")

    @classmethod
    def name(cls) -> str:
        return cls.CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        token = str(credentials.get("token") or "")
        push_url = str(credentials.get("push_url") or "")
        if len(token) < 32 or not push_url.startswith(("http://", "https://")):
            raise ValueError(
                f"the {cls.CHANNEL} channel needs a token of 32+ characters and a push_url"
            )
        return cls(push_url, token)

    def __init__(self, push_url: str, token: str) -> None:
        self._push_url = push_url
        self._token = token

    def get_output_channel(self) -> OutputChannel:
        return PushOutput(self.CHANNEL, self._push_url, self._token)

    def _authorized(self, request: Request) -> bool:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {self._token}".encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"{self.CHANNEL}_relay_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorized(request):
                return refuse(403, f"the {self.CHANNEL} channel takes messages from the API only")
            try:
                body = request.json
            except Exception:  # sanic raises its own error types for undecodable bodies
                return refuse(400, "the body is not valid JSON")
            if not isinstance(body, dict):
                return refuse(400, "the body must be a JSON object")
            sender, message = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not self.SENDER.match(sender):
                return refuse(400, f"'sender' is not a {self.CHANNEL} conversation id")
            if not isinstance(message, str):
                return refuse(400, "'message' must be a string")
            if len(message) > max_chars():
                return refuse(413, f"'message' is longer than {max_chars()} characters")
            text = clean_text(message)
            if not text:
                return refuse(400, "'message' is empty")
            text = enrolment_payload(text) or GuardedRestInput.known_payload_or_fallback(
                request, text
            )
            collector = RepliesCollector()
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender,
                        input_channel=self.CHANNEL,
                        metadata=checked_metadata(body.get("metadata")),
                        # The API's id for the message: it reads the tracker by it when the
                        # replica that took the message died before answering.
                        message_id=checked_message_id(body.get("message_id")),
                    )
                )
            except Exception as error:  # the reply must not be a bare 500
                logger.error("a %s message failed: %s", self.CHANNEL, type(error).__name__)
                return refuse(503, "the assistant could not process this message; try again")
            return response.json(collector.messages)

        return webhook


class WebChatInput(RelayInput):
    CHANNEL = "webchat"
    SENDER = re.compile(r"^web-[0-9a-f]{32}$")


class TelegramRelayInput(RelayInput):
    CHANNEL = "telegram"
    SENDER = re.compile(r"^tg-[0-9a-f]{32}$")


class TwilioRelayInput(RelayInput):
    """SMS and WhatsApp: named "twilio", so Rasa's responses come as numbered text."""

    CHANNEL = "twilio"
    SENDER = re.compile(r"^tw-[0-9a-f]{32}$")
