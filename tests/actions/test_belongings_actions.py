"""The officer records belongings the police hold in the chat: kinds ticked one tap at a time,
a receipt for the officer and one the person can read, and the return step."""

from typing import Any

from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.belongings import ActionBelongings, step_payload
from casework.belongings import record
from casework.cases import open_case
from casework.models import BelongingsReceipt, Case
from tests.actions.conftest import tracker_for
from tests.casework.account_builders import account
from tests.casework.referral_builders import NOW
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()


def _case(session: Session) -> Case:
    """A case of the officer the trackers' sender is enrolled to; the person reads Russian."""
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    case.person_language = "ru"
    session.flush()
    return case


def _tap(reference: str, step: str | None = None) -> list[dict[str, Any]]:
    entities = [] if step is None else [{"entity": "belongings_step", "value": step}]
    text = "/belongings" if step is None else step_payload(step)
    tracker = tracker_for(
        text, "belongings", entities=entities, slots={"case_reference": reference}
    )
    dispatcher = CollectingDispatcher()
    ActionBelongings().run(dispatcher, tracker, {})
    messages: list[dict[str, Any]] = dispatcher.messages
    return messages


def test_kinds_are_ticked_then_recorded_as_one_receipt_shown_to_both(session: Session) -> None:
    case = _case(session)
    session.commit()
    reference = case.reference

    (asked,) = _tap(reference)
    assert asked["text"].startswith(
        CATALOGS.render("belongings.choose", "en", case_reference=reference)
    )
    assert [b["payload"] for b in asked["buttons"]][-1] == step_payload("done")
    _tap(reference, "phone")
    (ticked,) = _tap(reference, "identity_documents")
    titles = [b["title"] for b in ticked["buttons"]]
    assert "✓ Identity documents" in titles and "✓ Phone" in titles and "Money" in titles
    (ticked,) = _tap(reference, "phone")  # a second tap takes it off
    assert "Phone" in [b["title"] for b in ticked["buttons"]]

    receipt, person = _tap(reference, "done")

    (row,) = session.scalars(select(BelongingsReceipt).where(BelongingsReceipt.case_id == case.id))
    assert row.kinds == "identity_documents" and row.code is not None
    assert receipt["text"] == CATALOGS.render(
        "belongings.recorded",
        "en",
        code=row.code,
        case_reference=reference,
        kinds="Identity documents",
    )
    assert [b["payload"] for b in receipt["buttons"]] == [step_payload(f"returned {row.code}")]
    assert CATALOGS.render("person.belongings_receipt", "ru", code=row.code) in person["text"]
    assert "- Паспорт или документы" in person["text"]
    (later,) = _tap(reference)  # days later, the receipt still held can be returned from here
    held = CATALOGS.render("belongings.held", "en", code=row.code, kinds="Identity documents")
    assert held in later["text"].splitlines()
    assert later["buttons"][-1] == {
        "title": f"Returned: {row.code}",
        "payload": step_payload(f"returned {row.code}"),
    }

    assert _tap(reference, f"returned {row.code}")[0]["text"] == CATALOGS.render(
        "belongings.returned", "en", code=row.code
    )
    assert _tap(reference, f"returned {row.code.lower()}")[0]["text"] == CATALOGS.render(
        "belongings.already_returned", "en", code=row.code
    )


def test_done_with_nothing_ticked_asks_again_and_records_nothing(session: Session) -> None:
    case = _case(session)
    session.commit()

    (asked,) = _tap(case.reference, "done")

    assert asked["text"].startswith(CATALOGS.lookup("belongings.none_chosen", "en").text)
    assert asked["buttons"]
    assert session.scalars(select(BelongingsReceipt)).all() == []


def test_hostile_steps_are_answered_and_change_nothing(session: Session) -> None:
    case = _case(session)
    other = _case(session)
    theirs = record(session, other, ["money"], actor="officer.one", now=NOW)
    session.commit()
    assert theirs.code is not None

    refused = _tap(case.reference, f"returned {theirs.code}")
    assert refused[0]["text"] == CATALOGS.render("belongings.not_of_case", "en", code=theirs.code)
    nonsense = _tap(case.reference, "returned Aigerim's passport")
    assert nonsense[0]["text"] == CATALOGS.lookup("belongings.not_a_code", "en").text
    (asked,) = _tap(case.reference, "a red phone")  # not a kind: the kinds are shown again
    assert asked["buttons"]
    session.expire_all()
    assert theirs.returned_at is None
    assert (
        session.scalars(select(BelongingsReceipt).where(BelongingsReceipt.case_id == case.id)).all()
        == []
    )


def test_without_a_case_the_officer_is_told_to_open_one(session: Session) -> None:
    (told,) = _tap("ZZZZ-2222")
    assert told["text"] == CATALOGS.lookup("intake.no_case", "en").text


def test_during_the_interview_it_waits_and_goes_on_after_the_receipt(session: Session) -> None:
    case = _case(session)  # just opened: the interview's first question is open
    session.commit()
    slots = {"case_reference": case.reference}
    entities = [{"entity": "belongings_step", "value": "money"}]
    tap = tracker_for(step_payload("money"), "belongings", entities=entities, slots=slots)
    tap.active_loop = {"name": "intake_form"}

    waits = ActionBelongings().run(CollectingDispatcher(), tap, {})

    assert waits == [ActiveLoop(None), SlotSet("requested_slot", None)]
    entities = [{"entity": "belongings_step", "value": "done"}]
    done = tracker_for(step_payload("done"), "belongings", entities=entities, slots=slots)
    goes_on = ActionBelongings().run(CollectingDispatcher(), done, {})
    assert goes_on == [SlotSet("intake_answer", None), FollowupAction("intake_form")]
