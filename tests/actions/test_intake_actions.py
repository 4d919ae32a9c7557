import asyncio
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Tracker
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


FORM_DOMAIN = {"forms": {"intake_form": {"required_slots": ["intake_answer"]}}}


def _form_run(reference: str, intent: str, text: str, after: list[str], answer: bool) -> Any:
    """The form's validation as Rasa calls it in a turn: the officer's message, the actions
    `after` it, then the form's own run (with the message as the candidate answer or not)."""
    from actions.intake import ValidateIntakeForm

    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    events: list[dict[str, Any]] = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": message, "input_channel": "rest"},
        *({"event": "action", "name": name} for name in after),
        {"event": "slot", "name": "requested_slot", "value": "intake_answer"},
        {"event": "action", "name": "intake_form"},
    ]
    if answer:
        events.append({"event": "slot", "name": "intake_answer", "value": text})
    slots = {
        "case_reference": reference,
        "requested_slot": "intake_answer",
        "intake_answer": text if answer else None,
    }
    tracker = Tracker(
        "officer-1", slots, message, events, False, None, {"name": "intake_form"}, "intake_form"
    )
    dispatcher = CollectingDispatcher()
    returned = asyncio.run(ValidateIntakeForm().run(dispatcher, tracker, FORM_DOMAIN))
    return returned, [m.get("text") or "" for m in dispatcher.messages]


def test_an_answer_is_handled_and_the_next_question_shown_in_one_call(session: Session) -> None:
    case = open_case(session, channel="rest", now=datetime.now(UTC), officer=account(session))
    session.commit()

    events, said = _form_run(case.reference, "deny", "no", [], answer=True)

    assert events == [SlotSet("intake_answer", None)]
    assert said[-1].startswith(shipped_catalogs().lookup("ask.present", "en").text)


def test_a_message_that_is_no_answer_says_nothing_until_the_form_comes_back(
    session: Session,
) -> None:
    case = open_case(session, channel="rest", now=datetime.now(UTC), officer=account(session))
    session.commit()
    urgent_medical = shipped_catalogs().lookup("ask.urgent_medical", "en").text

    # Rasa drops this run (nothing to validate right after the message) and handles "help".
    assert _form_run(case.reference, "help", "/help", [], answer=False) == ([], [])
    # Back in the form after the help line: the open question, again.
    events, said = _form_run(case.reference, "help", "/help", ["utter_intake_help"], answer=False)

    assert events == []
    assert said[-1].startswith(urgent_medical)
