"""Hostile and broken input to the REST channel and the API: a clear reply or a 4xx, never a
5xx, and the conversation goes on afterwards."""

import uuid

import httpx
import pytest

from tests.e2e.conftest import Stack
from tests.e2e.web_chat import WebChat
from translations.catalog import shipped_catalogs

pytestmark = pytest.mark.e2e

CATALOGS = shipped_catalogs()
NOT_UNDERSTOOD = CATALOGS.lookup("utter_default", "en").text
ENGLISH_TEXTS = {CATALOGS.lookup(message_id, "en").text for message_id in CATALOGS.message_ids()}
HARMLESS_REPLIES = {
    CATALOGS.lookup(message_id, "en").text
    for message_id in (
        "utter_default",
        "utter_greet",
        "utter_help",
        "utter_choose_language",
        "intake.no_case",
    )
}


def _sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


HELP_TEXTS = {CATALOGS.lookup(m, "en").text for m in ("utter_help", "utter_intake_help")}


def _still_talks(stack: Stack, sender: str) -> None:
    # A payload may have started a case, and then help is the interview's help.
    assert stack.texts(sender, "help")[0] in HELP_TEXTS


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("", 400),
        ("   \n\t ", 400),
        ("x" * 10_000, 413),
        (None, 400),
        (12345, 400),
        (["hello"], 400),
    ],
)
def test_bad_messages_get_a_4xx_with_a_reason(stack: Stack, body: object, status: int) -> None:
    sender = _sender()
    response = httpx.post(stack.rest_webhook, json={"sender": sender, "message": body}, timeout=60)
    assert response.status_code == status
    assert response.json()["error"]
    _still_talks(stack, sender)


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"\xff\xfe\x00\x9c garbage", b"[1, 2, 3]", b'"just a string"', b"", b"null"],
)
def test_malformed_bodies_get_a_400(stack: Stack, raw: bytes) -> None:
    response = httpx.post(
        stack.rest_webhook, content=raw, headers={"Content-Type": "application/json"}, timeout=60
    )
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize("sender", ["", "x" * 500, "../../etc", None, 7])
def test_bad_senders_get_a_400(stack: Stack, sender: object) -> None:
    response = httpx.post(
        stack.rest_webhook, json={"sender": sender, "message": "hello"}, timeout=60
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "garbage",
    [
        "\x00\x01\x02\x7f binary \x1b[31m",
        "\udc80\udcff lone surrogates",
        "\ufffd\ufffd\ufffd",
        "💥" * 500,
        "'; DROP TABLE case; --",
    ],
)
def test_garbage_text_gets_a_reply_of_the_bot(stack: Stack, garbage: str) -> None:
    # The exact reply depends on the model; what matters is that garbage gets an answer that
    # changes nothing (no case opened or resumed) and that the bot goes on listening.
    sender = _sender()
    replies = stack.say(sender, garbage)
    assert replies and {reply["text"] for reply in replies} <= HARMLESS_REPLIES
    _still_talks(stack, sender)


@pytest.mark.parametrize(
    "payload", ["/no_such_intent", '/no_such_intent{"a": 1}', "/start_case{not json", "/"]
)
def test_unknown_or_broken_button_payloads_get_a_clear_reply(stack: Stack, payload: str) -> None:
    sender = _sender()
    replies = stack.say(sender, payload)
    assert replies, payload
    assert all(reply.get("text") for reply in replies)
    _still_talks(stack, sender)


def test_the_longest_accepted_message_is_answered(stack: Stack) -> None:
    sender = _sender()
    replies = stack.say(sender, ("word " * 400)[: stack.settings.chat_message_max_chars])
    assert replies and replies[0]["text"] in ENGLISH_TEXTS


def test_api_refuses_bad_input_and_never_500s(stack: Stack) -> None:
    chat = WebChat(stack.api)
    tab = chat.tab
    cases: list[tuple[dict, int]] = [
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 422),
        ({"json": {"tab": tab, "message": ""}}, 422),
        ({"json": {"tab": tab, "message": "x" * 10_000}}, 422),
        ({"json": {"tab": tab, "message": "/no_such_intent"}}, 200),
        ({"json": {"tab": tab, "message": "hi \u202eevil"}}, 200),
    ]
    for request, status in cases:
        response = chat.client.post("/chat/messages", **request)
        assert response.status_code == status, (request, response.text)
