"""Whole conversations against the running action server, Rasa server and database."""

import re
import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import Case
from tests.e2e.conftest import Stack
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
    opened = stack.texts(officer, "start a new case")
    found = REFERENCE.search(opened[0])
    assert found, opened
    reference = found.group(0)

    with Session(stack.engine) as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        assert case.status == "open"
        assert case.channel == "rest"
        assert case.resume_count == 0

    # Days later, from another device: the code, typed loosely, finds the case.
    later = _sender()
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
    replies = stack.texts(officer, "the code is ZZZZ-2222")
    assert replies == [CATALOGS.render("utter_case_not_found", "en", case_reference="ZZZZ-2222")]


def test_the_officer_switches_to_russian_and_stays_in_russian(stack: Stack) -> None:
    officer = _sender()
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
    response = httpx.post(
        f"{stack.api}/chat/messages",
        json={"sender": _sender(), "message": "/start_case"},
        timeout=60,
    )
    assert response.status_code == 200
    assert REFERENCE.search(response.json()[0]["text"])


def test_the_action_server_and_api_answer_health_checks(stack: Stack) -> None:
    assert (
        httpx.get(f"http://127.0.0.1:{stack.settings.actions_port}/health").json()["status"] == "ok"
    )
    assert httpx.get(f"{stack.api}/health").json()["database"] == "ok"
