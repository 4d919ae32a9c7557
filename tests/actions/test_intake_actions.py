from datetime import UTC, datetime

from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.intake import ActionIntakeStop
from casework.cases import open_case
from tests.actions.conftest import tracker_for
from tests.casework.account_builders import account
from translations.catalog import shipped_catalogs


def _stop_tracker(reference: str, confidence: float, text: str = "stop"):  # type: ignore[no-untyped-def]
    tracker = tracker_for(text, "stop", slots={"case_reference": reference})
    tracker.latest_message["intent"]["confidence"] = confidence
    return tracker


def test_an_unsure_stop_only_offers_the_stop_button(session: Session) -> None:
    case = open_case(session, channel="rest", now=datetime.now(UTC), officer=account(session))
    session.commit()
    dispatcher = CollectingDispatcher()
    events = ActionIntakeStop().run(dispatcher, _stop_tracker(case.reference, 0.6, "Tashkent"), {})
    assert events == []
    assert (
        dispatcher.messages[0]["text"]
        == shipped_catalogs().lookup("intake.confirm_stop", "en").text
    )
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/stop"]
    session.refresh(case)
    assert case.status == "open"


def test_a_sure_stop_withdraws_and_ends_the_interview(session: Session) -> None:
    case = open_case(session, channel="rest", now=datetime.now(UTC), officer=account(session))
    session.commit()
    dispatcher = CollectingDispatcher()
    events = ActionIntakeStop().run(dispatcher, _stop_tracker(case.reference, 1.0, "/stop"), {})
    assert events == [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("intake_answer", None),
    ]
    session.refresh(case)
    assert case.status == "withdrawn"


def test_the_slot_reset_on_opening_a_case_is_not_taken_as_an_answer(session: Session) -> None:
    from actions.intake import ValidateIntakeForm

    case = open_case(session, channel="rest", now=datetime.now(UTC), officer=account(session))
    session.commit()
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("/start_case", "start_case", slots={"case_reference": case.reference})
    result = ValidateIntakeForm().validate_intake_answer(None, dispatcher, tracker, {})
    assert result == {"intake_answer": None}
    assert dispatcher.messages == []
