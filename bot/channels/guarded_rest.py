"""Rasa's REST channel with its input checked first (this module runs inside the Rasa server).

The built-in channel answers a JSON array or a non-text message with HTTP 500, passes empty
and oversized messages to the model, and logs the text of a message it failed on. This one
refuses bad requests with a 4xx and a reason, turns unknown button payloads into the
not-understood intent, and never logs message text.

A message carrying a one-time enrolment code becomes the `enrol` intent with the code as its
entity before the NLU sees it: a misread code would lock an officer out, and the model has no
business guessing at credentials.
"""

import json
import logging
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.replies import RepliesCollector

logger = logging.getLogger(__name__)

_PAYLOAD = re.compile(r"^/([A-Za-z0-9_]+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENDER = re.compile(r"^[A-Za-z0-9_.:@+-]{1,128}$")
_ENROLMENT_CODE = re.compile(
    r"(?<![A-Za-z0-9])([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
_MAX_WORDS_AROUND_CODE = 32
UNKNOWN_PAYLOAD_INTENT = "/nlu_fallback"
WEB_CHAT_SENDER_PREFIX = "web-"


def enrolment_payload(text: str) -> str | None:
    """The `enrol` intent with its code, when the message carries an enrolment code."""
    if _PAYLOAD.match(text):
        return None
    found = _ENROLMENT_CODE.search(text)
    if found is None:
        return None
    # Only a message that is the code, perhaps with a few words around it ("my code: ..."):
    # a code-shaped token inside a longer answer is the answer, not an enrolment attempt.
    rest = (text[: found.start()] + text[found.end() :]).strip()
    if len(rest) > _MAX_WORDS_AROUND_CODE or any(character.isdigit() for character in rest):
        return None
    return "/enrol" + json.dumps({"enrolment_code": found.group(1).upper()})


def max_chars() -> int:
    try:
        return max(1, int(os.environ.get("PASSAGE_CHAT_MESSAGE_MAX_CHARS", "2000")))
    except ValueError:
        return 2000


def refuse(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


def clean_text(text: str) -> str:
    """Drop control characters and lone surrogates, which the tracker store cannot encode."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub(" ", text).strip()


def checked_message(
    body: Any, max_chars: int
) -> tuple[tuple[str, str] | None, HTTPResponse | None]:
    if not isinstance(body, dict):
        return None, refuse(400, "the body must be a JSON object with 'sender' and 'message'")
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not _SENDER.match(sender):
        return None, refuse(400, "'sender' must be 1 to 128 letters, digits or _.:@+-")
    if sender.startswith(WEB_CHAT_SENDER_PREFIX):
        # Web chat conversations are reached only through the web chat channel, which the API
        # calls with a token: knowing such an id must not be enough to write into one.
        return None, refuse(403, "this sender belongs to the web chat")
    if not isinstance(message, str):
        return None, refuse(400, "'message' must be a string")
    if len(message) > max_chars:
        return None, refuse(413, f"'message' is longer than {max_chars} characters")
    text = clean_text(message)
    if not text:
        return None, refuse(400, "'message' is empty")
    return (sender, text), None


class GuardedRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # sanic raises its own error types for undecodable bodies
                return refuse(400, "the body is not valid JSON")
            checked, refusal = checked_message(body, max_chars())
            if refusal is not None:
                return refusal
            assert checked is not None
            sender, text = checked
            text = enrolment_payload(text) or self.known_payload_or_fallback(request, text)
            collector = RepliesCollector()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name())
                )
            except Exception as error:  # the reply must not be a bare 500
                logger.error("message from a REST sender failed: %s", type(error).__name__)
                return refuse(503, "the assistant could not process this message; try again")
            return response.json(collector.messages)

        return webhook

    @staticmethod
    def known_payload_or_fallback(request: Request, text: str) -> str:
        match = _PAYLOAD.match(text)
        agent = getattr(request.app.ctx, "agent", None)
        domain = getattr(agent, "domain", None)
        if match is None or domain is None:
            return text
        # An unknown payload would otherwise be classified as if it were words.
        return text if match.group(1) in domain.intents else UNKNOWN_PAYLOAD_INTENT
