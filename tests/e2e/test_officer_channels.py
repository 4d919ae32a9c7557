"""Officers on their messaging apps, end to end on the real servers: a whole case on Telegram
with buttons (ticks edit the keyboard), and on WhatsApp and SMS with numbers, each to an
accepted referral whose news arrives unasked on that app. What the officer sees is what the
fake Telegram and the fake Twilio were sent."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casework.chat_addresses import ChatAddress
from casework.referral_models import Referral
from casework.transcripts import TranscriptStore
from passage.runtime.sandbox.fake_twilio import FakeTwilio
from tests.e2e.app_officers import (
    HIDDEN,
    PROVIDER,
    PhoneOfficer,
    TelegramOfficer,
    karaganda_shelter,
)
from tests.e2e.conftest import Stack
from tests.e2e.officer import en
from tests.waiting import eventually
from translations.bidi import isolate

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shelter(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    karaganda_shelter(stack, tmp_path_factory.mktemp("directory"))


def _provider_accepts(stack: Stack, code: str) -> None:
    twilio = stack.twilio
    assert twilio is not None
    eventually(lambda: [m for m in twilio.messages if code in m.body and m.to == PROVIDER], "SMS")
    response = twilio.post_inbound(f"{stack.api}/webhooks/twilio/sms", PROVIDER, f"1 {code}")
    assert response.status_code == 200, response.text


def _referral(stack: Stack, code: str) -> Referral:
    with Session(stack.engine) as session:
        return session.scalars(select(Referral).where(Referral.code == code)).one()


# Telegram


def test_a_whole_case_on_telegram_with_buttons_to_news_pushed_unasked(
    stack: Stack, shelter: None
) -> None:
    officer = TelegramOfficer(stack, chat_id=8800001)
    code, case_turns = officer.case_to_referral()

    _provider_accepts(stack, code)

    news = officer.said(f"accepted referral {code}")
    assert HIDDEN["address_1"] in news.text
    assert isolate("karaganda-ngo (test)") in news.text
    assert case_turns <= 15, case_turns
    # Every tap of this chat was answered (the button stops spinning). (The fake refuses any
    # callback data over 64 bytes, as Telegram does, so the case could not have gone through.)
    taps = {q for q in officer.telegram.taps_in(officer.chat_id)}
    answered = {c["callback_query_id"] for c in officer.telegram.called("answerCallbackQuery")}
    assert taps and taps <= answered


def test_a_forged_telegram_update_changes_nothing(stack: Stack) -> None:
    telegram = stack.telegram
    assert telegram is not None
    before = len(telegram.calls)
    chat = 8800002
    assert telegram.send_text(chat, "hello", secret="not-the-secret").status_code == 403
    assert telegram.send_text(chat, "hello", secret="").status_code == 403
    assert telegram.messages_to(chat) == []
    assert len(telegram.calls) == before
    with Session(stack.engine) as session:
        assert session.scalars(select(ChatAddress)).all() == [] or all(
            row.address != str(chat) for row in session.scalars(select(ChatAddress))
        )


def test_forget_on_telegram_deletes_the_messages_and_the_transcript(stack: Stack) -> None:
    officer = TelegramOfficer(stack, chat_id=8800003)
    officer.type(stack.enrolment_code("officer.forget"))
    officer.type("/start")
    shown = officer.telegram.messages_to(officer.chat_id)
    assert len(shown) >= 2
    conversation = _conversation_of(stack, "telegram", str(officer.chat_id))

    officer.type("/forget")

    left = officer.telegram.messages_to(officer.chat_id)
    assert [m.text for m in left] == [en("chat.forgotten")]
    assert len(officer.telegram.called("deleteMessage")) >= len(shown)
    with Session(stack.engine) as session:
        assert session.get(ChatAddress, conversation) is None
    store = TranscriptStore(stack.settings.resolved_tracker_url)
    try:
        assert conversation not in store.idle_since(datetime.now(UTC) + timedelta(days=1))
    finally:
        store.close()


def _conversation_of(stack: Stack, channel: str, address: str) -> str:
    with Session(stack.engine) as session:
        for row in session.scalars(select(ChatAddress).where(ChatAddress.channel == channel)):
            if row.address == address:
                return row.conversation
    raise AssertionError(f"no {channel} conversation for that address")


# SMS and WhatsApp


@pytest.mark.parametrize("address", ["+15005553001", "whatsapp:+15005553002"])
def test_a_whole_case_by_sms_and_whatsapp_with_numbers_to_news_pushed_unasked(
    stack: Stack, shelter: None, address: str
) -> None:
    officer = PhoneOfficer(stack, address)
    code, case_turns = officer.case_to_referral()

    _provider_accepts(stack, code)

    news = eventually(
        lambda: [m.body for m in officer.received() if f"accepted referral {code}" in m.body],
        "the news on the phone",
    )
    assert HIDDEN["address_1"] in news[0]  # type: ignore[index]
    assert case_turns <= 15, case_turns
    # No phone number in Rasa's tracker store: the conversation id is a keyed hash.
    stored = stack.tracker_stored_text()
    assert address.removeprefix("whatsapp:") not in stored
    assert address.removeprefix("whatsapp:+") not in stored


def test_whatsapp_news_after_the_24_hour_window_is_a_template_then_the_news(
    stack: Stack, shelter: None
) -> None:
    officer = PhoneOfficer(stack, "whatsapp:+15005553003")
    code, _ = officer.case_to_referral()
    conversation = _conversation_of(stack, "twilio", officer.address)
    with Session(stack.engine) as session:  # the officer went quiet a day ago
        session.execute(
            update(ChatAddress)
            .where(ChatAddress.conversation == conversation)
            .values(last_inbound_at=datetime.now(UTC) - timedelta(hours=25))
        )
        session.commit()
    before = len(officer.received())

    _provider_accepts(stack, code)

    eventually(
        lambda: [m for m in officer.received()[before:] if m.content_sid], "the news template"
    )
    # Nothing but the approved template went out: no text of ours, so no case fact.
    (template,) = officer.received()[before:]
    assert template.content_sid == stack.settings.whatsapp_news_template_sid
    news = officer.say("NEWS")
    assert any(f"accepted referral {code}" in body for body in news), news
    assert _referral(stack, code).status == "accepted"


def test_an_unsigned_post_to_the_sms_webhook_is_refused_and_changes_nothing(stack: Stack) -> None:
    twilio: FakeTwilio | None = stack.twilio
    assert twilio is not None
    before = len(twilio.messages)
    url = f"{stack.api}/webhooks/twilio/sms"
    forged = twilio.post_inbound(url, "+15005553009", "open a case", signature="AAAA")
    assert forged.status_code == 403
    assert len(twilio.messages) == before
    with Session(stack.engine) as session:
        assert all(row.address != "+15005553009" for row in session.scalars(select(ChatAddress)))
