"""Quick exit in the web chat: the page offers it, and the server forgets the chat."""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.chat_identity import COOKIE_NAME
from casework.enrolment import account_for_sender
from casework.models import Case
from casework.referral_models import AuditEntry
from passage.config import Settings
from passage.runtime.api_app import api_app
from tests.api.chat_client import OTHER_TAB, TAB, chat_client, conversation_of
from tests.casework.account_builders import account, enrol
from tests.casework.retention_builders import add_conversation, senders, tracker_db
from translations.catalog import shipped_catalogs

CHAT_JS = Path(__file__).parents[2] / "api" / "static" / "chat.js"


@pytest.fixture
def client(database: Settings) -> TestClient:
    return chat_client(api_app())


def test_the_page_has_a_quick_exit_button_in_the_officers_language(client: TestClient) -> None:
    page = client.get("/?lang=ru").text
    button = re.search(r'<button type="button" id="quick-exit"[^>]*>([^<]+)</button>', page)
    assert button is not None
    assert button.group(1) == shipped_catalogs().lookup("web.chat.quick_exit", "ru").text
    config = re.search(r'<script id="config" type="application/json">(.*?)</script>', page, re.S)
    assert config is not None
    assert json.loads(config.group(1))["exitUrl"] == "about:blank"


def test_the_script_leaves_on_the_button_and_on_escape_without_a_way_back() -> None:
    script = CHAT_JS.read_text(encoding="utf-8")
    assert 'quickExit.addEventListener("click", leave)' in script
    assert 'event.key === "Escape"' in script
    for step in ('sendBeacon("/chat/forget"', "sessionStorage.clear()", "location.replace("):
        assert step in script, step


def test_forgetting_unbinds_the_tab_and_deletes_its_transcript(
    client: TestClient, session: Session, database: Settings
) -> None:
    app = client.app
    this, other = conversation_of(client, app, TAB), conversation_of(client, app, OTHER_TAB)
    enrol(session, account(session), this, channel="webchat")
    session.commit()
    tracker = tracker_db(database.resolved_tracker_db)
    now = datetime.now(UTC)
    add_conversation(tracker, this, now)
    add_conversation(tracker, other, now)

    response = client.post("/chat/forget", json={"tab": TAB})

    assert response.status_code == 204
    session.expire_all()
    assert account_for_sender(session, "webchat", this) is None
    assert senders(tracker) == {other}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "chat.forget")).one()
    assert (entry.outcome, entry.source, entry.purpose) == ("unbound", "webchat", "quick_exit")
    assert this not in entry.detail
    # The browser is told to drop the chat cookie: the page after a quick exit is a new chat.
    assert f'{COOKIE_NAME}=""' in response.headers["set-cookie"]
    assert "Max-Age=0" in response.headers["set-cookie"]


def test_a_transcript_naming_a_held_case_is_kept(
    client: TestClient, session: Session, database: Settings
) -> None:
    this = conversation_of(client, client.app, TAB)
    enrol(session, account(session), this, channel="webchat")
    case = Case(
        reference="KX7P-2M9Q", status="open", channel="webchat", opened_at=datetime.now(UTC)
    )
    case.legal_hold_at = datetime.now(UTC)
    session.add(case)
    session.commit()
    tracker = tracker_db(database.resolved_tracker_db)
    add_conversation(tracker, this, datetime.now(UTC), reference="KX7P-2M9Q")

    assert client.post("/chat/forget", json={"tab": TAB}).status_code == 204

    session.expire_all()
    assert account_for_sender(session, "webchat", this) is None
    assert senders(tracker) == {this}


@pytest.mark.parametrize("body", [{}, {"tab": "x"}, {"tab": "../../etc/passwd"}, []])
def test_a_bad_forget_request_is_a_422(client: TestClient, body: object) -> None:
    assert client.post("/chat/forget", json=body).status_code == 422


def test_a_quick_exit_forgets_every_tab_of_the_browser(
    client: TestClient, session: Session, database: Settings
) -> None:
    """The panic button: every tab of this browser is unbound and its transcript deleted."""
    app = client.app
    this, other = conversation_of(client, app, TAB), conversation_of(client, app, OTHER_TAB)
    for conversation in (this, other):
        enrol(session, account(session), conversation, channel="webchat")
    session.commit()
    for tab in (TAB, OTHER_TAB):
        # Rasa is not running here (503): the tab is known to the API all the same.
        client.post("/chat/messages", json={"tab": tab, "message": "hello"})
    tracker = tracker_db(database.resolved_tracker_db)
    add_conversation(tracker, this, datetime.now(UTC))
    add_conversation(tracker, other, datetime.now(UTC))

    assert client.post("/chat/forget", json={"tab": TAB}).status_code == 204

    session.expire_all()
    assert account_for_sender(session, "webchat", this) is None
    assert account_for_sender(session, "webchat", other) is None
    assert senders(tracker) == set()
