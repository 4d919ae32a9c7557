"""The Telegram webhook: only Telegram (the secret token) gets in, a tick edits the keyboard, and
/forget deletes the bot's messages, the transcript and the address. Rasa is not running here:
whatever would reach it gets "not reachable" in the chat."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from api.telegram_bot import webhook_secret
from casework.chat_addresses import ChatAddress, conversation_id
from casework.enrolment import account_for_sender
from passage.config import Settings, session_factory
from passage.runtime.api_app import api_app
from tests.casework.account_builders import account, enrol
from tests.casework.retention_builders import add_conversation, senders, tracker_db
from tests.conftest import _clear_cached_wiring
from tests.fakes.fake_telegram import FakeTelegram
from translations.catalog import shipped_catalogs

CHAT = 4242
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
def telegram(
    database: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FakeTelegram, TestClient]]:
    with FakeTelegram() as fake:
        monkeypatch.setenv("PASSAGE_TELEGRAM_BOT_TOKEN", fake.token)
        monkeypatch.setenv("PASSAGE_TELEGRAM_API_BASE", fake.base_url)
        monkeypatch.setenv("PASSAGE_PUBLIC_BASE_URL", "https://passage.example.org")
        monkeypatch.setenv("PASSAGE_RASA_URL", "http://127.0.0.1:9")  # Rasa is down
        monkeypatch.setenv("PASSAGE_RATE_LIMIT_PER_CHAT_SENDER_PER_MINUTE", "2")
        _clear_cached_wiring()
        with TestClient(api_app()) as client:  # runs the startup: setWebhook
            yield fake, client


def _secret(client: TestClient) -> str:
    return webhook_secret(client.app.state.chat_key)  # type: ignore[attr-defined]


_updates = iter(range(1, 10_000))


def _text(text: str, chat: dict | None = None, update_id: int | None = None) -> dict:
    return {
        "update_id": update_id if update_id is not None else next(_updates),
        "message": {
            "message_id": 7,
            "chat": chat or {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Anna"},
            "text": text,
        },
    }


def _addresses() -> list[ChatAddress]:
    with session_factory()() as session:
        return list(session.scalars(select(ChatAddress)))


def test_the_webhook_is_set_once_with_a_secret(telegram: tuple[FakeTelegram, TestClient]) -> None:
    fake, client = telegram
    assert fake.webhook_url == "https://passage.example.org/webhooks/telegram"
    assert fake.secret_token == _secret(client)
    assert len(fake.called("setWebhook")) == 1
    assert fake.called("getMe") == []  # and never again per message


@pytest.mark.parametrize("secret", [None, "", "forged-secret"])
def test_an_update_without_the_secret_is_refused_and_changes_nothing(
    telegram: tuple[FakeTelegram, TestClient], secret: str | None
) -> None:
    fake, client = telegram
    headers = {} if secret is None else {SECRET_HEADER: secret}
    assert (
        client.post("/webhooks/telegram", json=_text("hello"), headers=headers).status_code == 403
    )
    assert _addresses() == []
    assert fake.called("sendMessage") == []


def test_a_message_gets_an_answer_and_the_chat_id_stays_encrypted_here(
    telegram: tuple[FakeTelegram, TestClient],
) -> None:
    fake, client = telegram
    response = client.post(
        "/webhooks/telegram", json=_text("hello"), headers={SECRET_HEADER: _secret(client)}
    )
    assert response.status_code == 200
    (row,) = _addresses()
    assert row.conversation == conversation_id(client.app.state.chat_key, "telegram", str(CHAT))  # type: ignore[attr-defined]
    assert str(CHAT) not in row.conversation
    with session_factory()() as session:
        stored = session.execute(text("SELECT address FROM chat_address")).scalar_one()
    assert str(CHAT) not in stored  # encrypted at rest
    (sent,) = fake.messages_to(CHAT)
    assert sent.text == shipped_catalogs().lookup("chat.unavailable", "en").text


def test_the_per_chat_rate_limit_answers_with_a_reason(
    telegram: tuple[FakeTelegram, TestClient],
) -> None:
    fake, client = telegram
    for _ in range(3):
        client.post(
            "/webhooks/telegram", json=_text("hello"), headers={SECRET_HEADER: _secret(client)}
        )
    assert (
        fake.messages_to(CHAT)[-1].text
        == shipped_catalogs().lookup("chat.too_many_messages", "en").text
    )


def test_a_tick_edits_the_keyboard_only(telegram: tuple[FakeTelegram, TestClient]) -> None:
    fake, client = telegram
    markup = {
        "inline_keyboard": [
            [{"text": "Private space", "callback_data": "t:private_space"}],
            [{"text": "Done", "callback_data": "d:AAAA-BBBB/present"}],
        ]
    }
    update = {
        "update_id": 2,
        "callback_query": {
            "id": "cb-1",
            "from": {"id": CHAT, "is_bot": False, "first_name": "Anna"},
            "data": "t:private_space",
            "message": {
                "message_id": 1001,
                "chat": {"id": CHAT, "type": "private"},
                "text": "Who is with you?",
                "reply_markup": markup,
            },
        },
    }
    assert (
        client.post(
            "/webhooks/telegram", json=update, headers={SECRET_HEADER: _secret(client)}
        ).status_code
        == 200
    )
    assert fake.called("answerCallbackQuery") == [{"callback_query_id": "cb-1"}]
    (edit,) = fake.called("editMessageReplyMarkup")
    assert edit["reply_markup"]["inline_keyboard"][0][0]["text"] == "✓ Private space"
    assert fake.called("sendMessage") == []  # nothing went to Rasa


def test_forget_deletes_the_bots_messages_the_transcript_and_the_address(
    telegram: tuple[FakeTelegram, TestClient], database: Settings, session: Session
) -> None:
    fake, client = telegram
    secret = {SECRET_HEADER: _secret(client)}
    client.post("/webhooks/telegram", json=_text("hello"), headers=secret)  # the bot answered
    conversation = conversation_id(client.app.state.chat_key, "telegram", str(CHAT))  # type: ignore[attr-defined]
    enrol(session, account(session), conversation, channel="telegram")
    session.commit()
    tracker = tracker_db(database.resolved_tracker_db)
    add_conversation(tracker, conversation, datetime.now(UTC))
    assert len(fake.messages_to(CHAT)) == 1

    assert (
        client.post("/webhooks/telegram", json=_text("/forget"), headers=secret).status_code == 200
    )

    # The bot's answer and the officer's two messages ("hello", "/forget"): the test posts them
    # straight to the API, so Telegram never had them and says so; the officer is told.
    deleted = fake.called("deleteMessage")
    assert len(deleted) == 3 and {d["message_id"] for d in deleted} >= {7}
    (left,) = fake.messages_to(CHAT)  # only the confirmation, which says what was done
    assert left.text == shipped_catalogs().lookup("chat.forgotten_not_all_deleted", "en").text
    assert senders(tracker) == set()
    session.expire_all()
    assert account_for_sender(session, "telegram", conversation) is None
    assert _addresses() == []


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"update_id": "x"}', b'{"update_id": 5}'])
def test_an_update_telegram_cannot_fix_is_answered_200_and_ignored(
    telegram: tuple[FakeTelegram, TestClient], body: bytes
) -> None:
    """Telegram sends again whatever gets another answer: a broken update would come forever."""
    fake, client = telegram
    headers = {SECRET_HEADER: _secret(client), "Content-Type": "application/json"}
    assert client.post("/webhooks/telegram", content=body, headers=headers).status_code == 200
    assert fake.called("sendMessage") == []


def test_a_group_chat_is_ignored(telegram: tuple[FakeTelegram, TestClient]) -> None:
    """In a group every member would read case facts and could act as the officer."""
    fake, client = telegram
    group = {"id": -100123, "type": "supergroup", "title": "Shift B"}
    response = client.post(
        "/webhooks/telegram",
        json=_text("hello", chat=group),
        headers={SECRET_HEADER: _secret(client)},
    )
    assert response.status_code == 200
    assert _addresses() == [] and fake.called("sendMessage") == []


def test_an_update_sent_again_is_handled_once(telegram: tuple[FakeTelegram, TestClient]) -> None:
    fake, client = telegram
    update = _text("hello", update_id=777)
    for _ in range(2):
        client.post("/webhooks/telegram", json=update, headers={SECRET_HEADER: _secret(client)})
    assert len(fake.messages_to(CHAT)) == 1  # one turn, one answer


def test_a_failed_send_is_answered_200_so_telegram_does_not_repeat_the_turn(
    telegram: tuple[FakeTelegram, TestClient],
) -> None:
    fake, client = telegram
    fake.fail_next("sendMessage")
    response = client.post(
        "/webhooks/telegram", json=_text("hello"), headers={SECRET_HEADER: _secret(client)}
    )
    assert response.status_code == 200
