"""Whole conversations against the running action server, Rasa server and database."""

import re
import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.models import Case
from tests.e2e.conftest import Stack
from tests.e2e.web_chat import WebChat
from translations.catalog import shipped_catalogs

pytestmark = pytest.mark.e2e

CATALOGS = shipped_catalogs()
REFERENCE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")


def _sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_greeting_offers_the_main_choices(stack: Stack) -> None:
    replies = stack.say(_sender(), "hello")
    assert replies[0]["text"] == CATALOGS.lookup("utter_greet", "en").text
    assert [b["payload"] for b in replies[0]["buttons"]] == [
        "/start_case",
        "/resume_case",
        "/change_language",
    ]


def test_a_case_opened_in_chat_is_in_the_database_and_can_be_resumed(stack: Stack) -> None:
    officer = _sender()
    stack.enrol(officer, "officer.resumes")
    opened = stack.texts(officer, "start a new case")
    found = REFERENCE.search(opened[0])
    assert found, opened
    reference = found.group(0)

    with Session(stack.engine) as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        assert case.status == "open"
        assert case.channel == "rest"
        assert case.resume_count == 0

    # Days later, from another device enrolled to the same account: the code, typed loosely,
    # finds the case.
    later = _sender()
    stack.enrol(later, "officer.resumes")
    assert stack.texts(later, "/resume_case") == [
        CATALOGS.lookup("utter_ask_case_reference", "en").text
    ]
    resumed = stack.texts(later, reference.lower())
    assert resumed[0] == (
        CATALOGS.render(
            "utter_case_resumed",
            "en",
            case_reference=reference,
            opened_on=case.opened_at.date().isoformat(),
        )
    )
    with Session(stack.engine) as session:
        assert (
            session.scalars(select(Case.resume_count).where(Case.reference == reference)).one() == 1
        )


def test_an_unknown_code_is_not_found(stack: Stack) -> None:
    officer = _sender()
    stack.enrol(officer, "officer.unknown-code")
    replies = stack.texts(officer, "the code is ZZZZ-2222")
    assert replies == [CATALOGS.render("utter_case_not_found", "en", case_reference="ZZZZ-2222")]


def test_the_officer_switches_to_russian_and_stays_in_russian(stack: Stack) -> None:
    officer = _sender()
    stack.enrol(officer, "officer.russian")
    assert stack.texts(officer, "change language") == [
        CATALOGS.lookup("utter_choose_language", "en").text
    ]
    assert stack.texts(officer, '/set_language{"language": "ru"}') == [
        CATALOGS.lookup("utter_language_set", "ru").text
    ]
    help_replies = stack.say(officer, "помощь")
    assert help_replies[0]["text"] == CATALOGS.lookup("utter_help", "ru").text
    assert help_replies[0]["buttons"][0]["title"] == CATALOGS.lookup("button.start_case", "ru").text
    opened = stack.texts(officer, "/start_case")
    reference = REFERENCE.search(opened[0])
    assert reference is not None
    assert opened[0] == CATALOGS.render(
        "utter_case_opened", "ru", case_reference=reference.group(0)
    )
    assert opened[1].startswith(CATALOGS.lookup("ask.urgent_medical", "ru").text)


def test_an_unsupported_language_is_refused(stack: Stack) -> None:
    replies = stack.say(_sender(), '/set_language{"language": "xx"}')
    assert replies[0]["text"] == CATALOGS.lookup("utter_language_unsupported", "en").text
    assert [b["payload"] for b in replies[0]["buttons"]] == [
        f'/set_language{{"language":"{code}"}}' for code in ("en", "fr", "km", "ru", "th", "vi")
    ]


def test_the_web_chat_endpoint_talks_to_rasa(stack: Stack) -> None:
    chat = WebChat(stack.api)
    code = stack.enrolment_code("officer.web")

    assert chat.say(code)[0]["text"] == CATALOGS.lookup("utter_enrolled", "en").text
    opened = chat.say("/start_case")
    reference = REFERENCE.search(opened[0]["text"])
    assert reference
    # The question names itself and its case, so a late repeat of an answer, or an old button
    # of another case, is never taken for the open question.
    step = f"{reference.group(0)}/urgent_medical"
    assert opened[-1]["custom"] == {"passage": {"step": step}}
    assert opened[-1]["buttons"][1]["payload"] == f'/choose{{"choice":"no","step":"{step}"}}'


def test_web_chat_conversations_are_reached_only_through_the_api(stack: Stack) -> None:
    """Rasa's REST channel refuses web chat senders, and Rasa's web chat channel refuses
    anyone without the API's token: knowing a conversation id is not enough to write in it."""
    sender = "web-" + "0" * 32
    rest = httpx.post(stack.rest_webhook, json={"sender": sender, "message": "hi"}, timeout=30)
    webchat = httpx.post(
        f"{stack.settings.resolved_rasa_url}/webhooks/webchat/webhook",
        json={"sender": sender, "message": "hi"},
        headers={"Authorization": "Bearer " + "x" * 64},
        timeout=30,
    )
    push = httpx.post(
        f"{stack.api}/channels/webchat/push",
        json={"recipient": sender, "message": {"text": "forged"}},
        headers={"Authorization": "Bearer " + "x" * 64},
        timeout=30,
    )
    assert (rest.status_code, webchat.status_code, push.status_code) == (403, 403, 403)


def test_an_unenrolled_sender_reaches_no_case(stack: Stack) -> None:
    owner = _sender()
    stack.enrol(owner, "officer.owner")
    reference = REFERENCE.search(stack.texts(owner, "/start_case")[0])
    assert reference is not None
    stranger = _sender()
    not_enrolled = CATALOGS.render(
        "utter_not_enrolled", "en", hotline=stack.settings.public_hotline
    )

    assert stack.texts(stranger, "/start_case") == [not_enrolled]
    assert stack.texts(stranger, reference.group(0)) == [not_enrolled]
    assert stack.texts(stranger, "/resume_case") == [not_enrolled]
    # Typed answers go nowhere either: no interview is running for this sender.
    assert stack.texts(stranger, "no")[0] in {
        CATALOGS.lookup("utter_default", "en").text,
        CATALOGS.lookup("utter_help", "en").text,
    }
    with Session(stack.engine) as session:
        assert (session.scalar(select(func.count()).select_from(Case)) or 0) >= 1
        opened_by_stranger = session.scalars(
            select(Case).where(Case.officer_account_id.is_(None))
        ).all()
        assert opened_by_stranger == []


def test_a_wrong_enrolment_code_is_refused_and_guessing_is_stopped(stack: Stack) -> None:
    guesser = _sender()
    refused = CATALOGS.lookup("utter_enrolment_refused", "en").text
    for guess in ("AAAA-BBBB-CCCC", "enrol DDDD-EEEE-FFFF", "GGGG-HHHH-JJJJ", "KKKK-LLLL-MMMM"):
        assert stack.texts(guesser, guess) == [refused]
    assert stack.texts(guesser, "NNNN-PPPP-QQQQ") == [refused]
    real = stack.enrolment_code("officer.guessed")
    # Even the right code waits now, and the officer is told how long.
    assert stack.texts(guesser, real) == [
        CATALOGS.render("utter_enrolment_too_many_tries", "en", minutes=60)
    ]


def test_the_action_server_and_api_answer_health_checks(stack: Stack) -> None:
    assert (
        httpx.get(f"http://127.0.0.1:{stack.settings.actions_port}/health").json()["status"] == "ok"
    )
    assert httpx.get(f"{stack.api}/health").json()["database"] == "ok"
