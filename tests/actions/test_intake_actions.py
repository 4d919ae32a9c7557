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


def _answer(reference: str, payload: str, entities: list[dict[str, str]]) -> list[str]:
    from actions.intake import ValidateIntakeForm

    dispatcher = CollectingDispatcher()
    tracker = tracker_for(payload, "choose", entities, slots={"case_reference": reference})
    ValidateIntakeForm().validate_intake_answer(payload, dispatcher, tracker, {})
    return [m["text"] for m in dispatcher.messages]


def test_a_repeated_answer_of_an_earlier_question_answers_nothing_else(session: Session) -> None:
    """The officer saw no reply and tapped "No" again: the first tap answered "urgent medical",
    the second names that question, so it must not answer "who is present"."""
    from casework.intake import next_step

    case = open_case(session, channel="rest", now=datetime.now(UTC), officer=account(session))
    session.commit()
    tap = [{"entity": "choice", "value": "no"}, {"entity": "step", "value": "urgent_medical"}]

    assert _answer(case.reference, '/choose{"choice":"no","step":"urgent_medical"}', tap) == []
    again = _answer(case.reference, '/choose{"choice":"no","step":"urgent_medical"}', tap)

    assert again == [shipped_catalogs().lookup("intake.already_recorded", "en").text]
    session.expire_all()
    step = next_step(session, case, now=datetime.now(UTC))
    assert step is not None and step.question.id == "present"
    assert case.urgent_medical == "no"


def test_the_web_chats_one_control_sends_the_whole_selection_with_done(session: Session) -> None:
    from casework.intake import next_step

    case = open_case(session, channel="rest", now=datetime.now(UTC), officer=account(session))
    session.commit()
    _answer(case.reference, "/choose", [{"entity": "choice", "value": "no"}])
    done = [
        {"entity": "choice", "value": "done"},
        {"entity": "selected", "value": "private_space interpreter_here"},
        {"entity": "step", "value": "present"},
    ]

    assert _answer(case.reference, "/choose", done) == []

    session.expire_all()
    assert (case.private_space, case.interpreter_present) == ("yes", "yes")
    step = next_step(session, case, now=datetime.now(UTC))
    assert step is not None and step.question.id == "person_language"
