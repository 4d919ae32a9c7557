"""One officer's chat in end-to-end tests, and the answers that bring an adult to consent."""

import json
import re
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.chat_identity import COOKIE_NAME, sender_for
from casework.models import Case
from passage.config.process_keys import chat_key
from tests.e2e.conftest import Stack
from tests.e2e.web_chat import WebChat
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()
REFERENCE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")


def en(message_id: str) -> str:
    return CATALOGS.lookup(message_id, "en").text


def choose(code: str) -> str:
    return "/choose" + json.dumps({"choice": code})


class Officer:
    """One officer's chat: sends messages and remembers the case reference."""

    def __init__(
        self, stack: Stack, language: str = "en", username: str = "", **account_fields: str
    ) -> None:
        """A new chat (a new device) enrolled to the account `username`, by default a new one
        (an officer of unit-1 in the north unless `account_fields` say otherwise)."""
        self.stack = stack
        self.sender = f"officer-{uuid.uuid4().hex[:10]}"
        self.username = username or f"officer.{self.sender}"
        self.reference = ""
        self.language = language  # the language the officer chose; "en" needs no choosing
        self.enrolment_code = stack.enrol(self.sender, self.username, **account_fields)

    def say(self, message: str) -> list[str]:
        return self.stack.texts(self.sender, message)

    def start(self) -> list[str]:
        replies = self.say("/start_case")
        found = REFERENCE.search(replies[0])
        assert found, replies
        self.reference = found.group(0)
        return replies

    def answer(self, message: str, expect_next: str | None) -> list[str]:
        replies = self.say(message)
        if expect_next is not None:
            asked = CATALOGS.lookup(f"ask.{expect_next}", self.language).text
            assert any(r.startswith(asked) for r in replies), (message, replies)
        return replies

    def case(self, session: Session) -> Case:
        return session.scalars(select(Case).where(Case.reference == self.reference)).one()


class WebOfficer(Officer):
    """The same officer on the web chat, through the API as the page posts (no browser)."""

    def __init__(self, stack: Stack, username: str = "") -> None:
        self.stack = stack
        self.chat = WebChat(stack.api)
        cookie = self.chat.client.cookies.get(COOKIE_NAME)
        sender = sender_for(chat_key(stack.settings), cookie, self.chat.tab)
        assert sender is not None
        self.sender = sender  # never sent by the page: the API derives it
        self.username = username or f"officer.web.{uuid.uuid4().hex[:8]}"
        self.reference = ""
        self.language = "en"
        self.enrolment_code = stack.enrolment_code(self.username)
        assert self.say(self.enrolment_code) == [CATALOGS.lookup("utter_enrolled", "en").text]

    def replies(self, message: str) -> list[dict[str, Any]]:
        return self.chat.say(message)

    def say(self, message: str) -> list[str]:
        return [reply.get("text") or "" for reply in self.chat.say(message)]


ADULT_TO_CONSENT = [
    (choose("no"), "present"),
    (choose("private_space"), "present"),
    (choose("interpreter_here"), "present"),
    (choose("done"), "person_language"),
    (choose("ru"), "appears_under_18"),
    (choose("no"), "gender"),
    (choose("female"), "has_children"),
    (choose("no"), "area"),
    ("Almaty, Medeu district", "exploitation_form"),
    (choose("labour"), "consent_delivery"),
    (choose("interpreter"), "consent_decisions"),
]


def walk(officer: Officer, steps: list[tuple[str, str | None]]) -> list[str]:
    replies: list[str] = []
    for message, expect_next in steps:
        replies = officer.answer(message, expect_next)
    return replies
