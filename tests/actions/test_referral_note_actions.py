"""The chat's note for the provider: the next typed message is the note; one that looks like an
address or a contact is refused with a re-ask and not kept anywhere, nor in a slot."""

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.referral_notes import (
    KEPT_SLOT,
    NEED_SLOT,
    ActionAskReferralNote,
    ActionReferralNoteKept,
    ValidateReferralNoteForm,
)
from actions.referrals import offer_to_send
from casework.models import Case, ProviderChoice
from tests.actions.conftest import tracker_for
from tests.casework.referral_builders import ready_case, shelters
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()
BUTTON = '/add_referral_note{"referral_request": "basic.housing note"}'


@pytest.fixture
def case(session: Session, tmp_path: Path) -> Case:
    shelters(session, tmp_path)
    case = ready_case(session)
    session.commit()
    return case


def _slots(case: Case, **more: Any) -> dict[str, Any]:
    return {"case_reference": case.reference, NEED_SLOT: "basic.housing note", **more}


def _kept(session: Session, case: Case) -> str | None:
    session.expire_all()
    return session.scalars(
        select(ProviderChoice.note).where(ProviderChoice.case_id == case.id)
    ).one()


def test_the_send_question_offers_a_note_after_the_two_ways_to_send() -> None:
    dispatcher = CollectingDispatcher()
    offer_to_send(dispatcher, "basic.housing", "Shelter A", "en", "rest")

    (asked,) = dispatcher.messages
    titles = [button["title"] for button in asked["buttons"]]
    assert titles == [
        CATALOGS.render("referral.button.send", "en"),
        CATALOGS.render("referral.button.send_cascade", "en"),
        CATALOGS.render("referral.button.note", "en"),
    ]
    assert asked["buttons"][2]["payload"] == BUTTON


def test_the_question_names_the_need_and_says_never_a_name(case: Case) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(BUTTON, "add_referral_note", slots=_slots(case))

    assert ActionAskReferralNote().run(dispatcher, tracker, {}) == []

    (said,) = [m["text"] for m in dispatcher.messages]
    need = CATALOGS.lookup("need.basic.housing", "en").text
    assert said == CATALOGS.render("referral.ask_note", "en", need=need, max=200)
    assert "Never a name" in said


def test_without_the_button_the_question_is_not_asked(case: Case) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("add a note", "add_referral_note", slots={"case_reference": "x"})

    events = ActionAskReferralNote().run(dispatcher, tracker, {})

    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert [m["text"] for m in dispatcher.messages] == [
        CATALOGS.render("match.choose_with_buttons", "en")
    ]


def test_a_typed_note_is_kept_and_only_a_yes_goes_in_a_slot(session: Session, case: Case) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("needs a ground-floor room", "nlu_fallback", slots=_slots(case))

    events = ValidateReferralNoteForm().run(dispatcher, tracker, {})

    assert events == [{"event": "slot", "name": KEPT_SLOT, "value": True, "timestamp": None}]
    assert _kept(session, case) == "needs a ground-floor room"
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("typed", "message_id"),
    [
        ("she stays at 77 Secret Street flat 5", "referral.note_refused.address"),
        ("her sister +7 701 555 12 34", "referral.note_refused.contact"),
        ("anna@mail.example", "referral.note_refused.contact"),
    ],
)
def test_an_address_or_a_contact_is_refused_and_asked_again(
    session: Session, case: Case, typed: str, message_id: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(typed, "nlu_fallback", slots=_slots(case))

    events = ValidateReferralNoteForm().run(dispatcher, tracker, {})

    # The slot stays empty, so the form asks again; the text is in no event of ours.
    assert events == [{"event": "slot", "name": KEPT_SLOT, "value": None, "timestamp": None}]
    assert [m["text"] for m in dispatcher.messages] == [CATALOGS.render(message_id, "en", max=200)]
    assert _kept(session, case) is None


def test_a_button_pressed_instead_is_not_a_note(session: Session, case: Case) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(
        '/send_referral{"referral_request": "basic.housing send"}',
        "send_referral",
        slots=_slots(case),
    )

    assert ValidateReferralNoteForm().run(dispatcher, tracker, {}) == []
    assert _kept(session, case) is None


def test_once_kept_the_send_buttons_come_back(case: Case) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("needs a ground-floor room", "nlu_fallback", slots=_slots(case))
    tracker.slots[KEPT_SLOT] = True

    events = ActionReferralNoteKept().run(dispatcher, tracker, {})

    (said,) = dispatcher.messages
    need = CATALOGS.lookup("need.basic.housing", "en").text
    assert said["text"] == CATALOGS.render("referral.note_kept", "en", need=need)
    assert said["buttons"][0]["payload"].startswith("/send_referral")
    assert {e["name"]: e["value"] for e in events} == {KEPT_SLOT: None, NEED_SLOT: None}
