"""What the person reads in their own language: the needs asked about, what was noted, and what
was arranged, each beside the officer's language (a Burmese person, an English officer)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.intake import ActionIntakeFinish, ValidateIntakeForm, show_open_question
from actions.referrals import ActionReferralNews
from casework.cases import open_case
from casework.intake import Outcome, answer, next_step
from casework.models import Case
from casework.referral_policy import Officer
from casework.referrals import send_chosen_referral
from casework.sms_replies import handle_sms_reply
from tests.actions.conftest import SENDER, tracker_for
from tests.casework.account_builders import account
from tests.casework.referral_builders import NOW, NUMBERS, POLICY, ready_case, shelters
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()
# What the officer answers before the assessment, for a Burmese man with an interpreter present.
BURMESE_MAN = {
    "urgent_medical": ["no"],
    "present": ["interpreter_here", "private_space"],
    "person_language": ["my"],
    "appears_under_18": ["no"],
    "gender": ["male"],
    "has_children": ["no"],
    "area": ["Mae Sot"],
    "exploitation_form": ["labour"],
    "consent_delivery": ["interpreter"],
    "consent_decisions": ["assessment", "referrals"],
    "level_1": ["basic.housing", "basic.food"],
    "level_2": [],
    "level_3": [],
    "urgency": ["basic.housing"],
}


def my(message_id: str) -> str:
    return CATALOGS.lookup(message_id, "my").text


def en(message_id: str) -> str:
    return CATALOGS.lookup(message_id, "en").text


def _case_at(session: Session, question_id: str) -> Case:
    """A Burmese man's case, answered up to `question_id`."""
    case = open_case(session, channel="rest", now=datetime.now(UTC), officer=account(session))
    while (step := next_step(session, case, now=datetime.now(UTC))) is not None:
        if step.question.id == question_id:
            break
        outcome = answer(session, case, step, BURMESE_MAN[step.question.id], now=datetime.now(UTC))
        assert outcome is Outcome.NEXT, step.question.id
    session.commit()
    return case


def _asked(case: Case) -> list[dict]:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("/choose", "choose", slots={"case_reference": case.reference})
    show_open_question(dispatcher, tracker)
    return dispatcher.messages


def _for_the_person(messages: list[dict]) -> list[str]:
    return [
        m["text"] for m in messages if (m.get("text") or "").startswith(en("intake.for_the_person"))
    ]


def test_the_level_question_shows_the_needs_in_burmese_once_and_not_on_a_toggle(
    session: Session,
) -> None:
    case = _case_at(session, "level_1")

    messages = _asked(case)

    (block,) = _for_the_person(messages)
    assert my("person.level_1") in block
    assert en("intake.unreviewed_notice") in block  # fuzzy Burmese: an interpreter confirms it
    assert en("person.level_1") in block  # the officer reads it beside
    assert messages[-1]["text"].startswith(en("ask.level_1"))
    _numbered_as_the_buttons(block, messages[-1])
    assert f"1. {my('person.need.basic.housing')}" in block

    tap = [{"entity": "choice", "value": "basic.food"}, {"entity": "step", "value": "level_1"}]
    tracker = tracker_for("/choose", "choose", tap, slots={"case_reference": case.reference})
    ValidateIntakeForm().validate_intake_answer("/choose", CollectingDispatcher(), tracker, {})
    again = _asked(case)

    assert _for_the_person(again) == []
    assert again[-1]["text"].startswith(en("ask.level_1"))


def _numbered_as_the_buttons(block: str, question: dict) -> None:
    """Each need the officer may tap is listed for the person under the button's number, so
    that the person can point at one."""
    listed = 0
    for number, button in enumerate(question["buttons"], start=1):
        code = button["payload"].split('"choice":"')[1].split('"')[0]
        if "." in code:  # a need id, not "does not know" or "done"
            assert f"{number}. {my(f'person.need.{code}')}" in block, code
            listed += 1
    assert listed > 0


@pytest.mark.parametrize("question_id", ["level_2", "level_3"])
def test_every_level_lists_its_needs_in_burmese(session: Session, question_id: str) -> None:
    case = _case_at(session, question_id)

    messages = _asked(case)

    (block,) = _for_the_person(messages)
    assert my(f"person.{question_id}") in block
    _numbered_as_the_buttons(block, messages[-1])


def test_the_urgency_question_lists_the_needs_recorded_in_burmese(session: Session) -> None:
    case = _case_at(session, "urgency")

    (block,) = _for_the_person(_asked(case))

    assert my("person.urgency") in block
    assert f"1. {my('person.need.basic.housing')}" in block
    assert f"2. {my('person.need.basic.food')}" in block
    assert my("person.need.basic.clothing") not in block  # not needed: not asked about


def test_the_summary_shows_the_person_what_was_noted_urgent_ones_marked(
    session: Session,
) -> None:
    case = _case_at(session, "")
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("/choose", "choose", slots={"case_reference": case.reference})

    ActionIntakeFinish().run(dispatcher, tracker, {})

    texts = [m.get("text") or "" for m in dispatcher.messages]
    opening = en("intake.summary").split("{")[0]
    summary = next(i for i, t in enumerate(texts) if t.startswith(opening))
    block = texts[summary + 1]
    assert block.startswith(en("intake.for_the_person"))
    assert my("person.summary") in block
    urgent = f"- {my('person.need.basic.housing')} {my('person.urgent_mark')}"
    assert urgent in block
    assert f"- {my('person.need.basic.food')}\n" in block
    assert f"- {en('person.need.basic.housing')} {en('person.urgent_mark')}" in block


def test_accepted_news_tells_the_person_what_was_arranged_but_not_where(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    case = ready_case(session)
    case.person_language = "my"
    referral = send_chosen_referral(
        session, case, "basic.housing", Officer(SENDER, "en"), POLICY, cascade=False, now=NOW
    )
    handle_sms_reply(
        session,
        sender=NUMBERS["shelter-a"],
        body=f"ACCEPT {referral.code}",
        carrier_id="SM-accept",
        policy=POLICY,
        now=NOW,
    )
    session.commit()
    dispatcher = CollectingDispatcher()

    ActionReferralNews().run(dispatcher, tracker_for("any news?", "referral_news"), {})

    (notice,) = dispatcher.messages
    told, for_the_person = notice["text"].split(en("intake.for_the_person"))
    assert referral.code in told and "7 Hidden Lane" in told  # the address is the officer's
    assert my("person.arranged") in for_the_person
    assert f"- {my('person.need.basic.housing')}" in for_the_person
    assert en("person.arranged") in for_the_person
    assert "7 Hidden Lane" not in for_the_person and "Almaty" not in for_the_person
