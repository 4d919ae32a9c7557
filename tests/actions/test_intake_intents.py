"""Typed short answers ("yes", "нет", "ไม่รู้") become the option they mean, if it is offered."""

from pathlib import Path

import pytest
import yaml

from actions.intake_view import INTENT_CONFIDENCE, codes_from_intent
from casework.intake import Step
from casework.intake_questions import DECLINED, NO, QUESTIONS, UNKNOWN, YES, Question

BY_ID = {question.id: question for question in QUESTIONS}


def _step(question_id: str) -> Step:
    question: Question = BY_ID[question_id]
    return Step(question, list(question.options))


@pytest.mark.parametrize(
    ("intent", "code"),
    [("deny", NO), ("does_not_know", UNKNOWN), ("prefers_not_to_say", DECLINED)],
)
def test_a_yes_no_question_takes_each_short_answer(intent: str, code: str) -> None:
    # has_children offers how many, no, does not know and declined.
    assert codes_from_intent(_step("has_children"), intent) == [code]


def test_a_typed_yes_to_children_is_no_answer_since_the_number_is_asked() -> None:
    assert codes_from_intent(_step("has_children"), "affirm") is None


def test_affirm_on_a_yes_no_question_is_yes() -> None:
    assert codes_from_intent(_step("urgent_medical"), "affirm") == [YES]


def test_a_childs_assent_is_never_taken_from_a_typed_word() -> None:
    assert codes_from_intent(_step("child_assent"), "affirm") is None
    assert codes_from_intent(_step("child_assent"), "deny") == [NO]


def test_an_intent_whose_code_is_not_offered_is_no_answer() -> None:
    # urgent_medical offers yes, no and does not know, but not "prefers not to say".
    assert codes_from_intent(_step("urgent_medical"), "prefers_not_to_say") is None
    # The gender question has no yes or no.
    assert codes_from_intent(_step("gender"), "affirm") is None
    assert codes_from_intent(_step("gender"), "does_not_know") == [UNKNOWN]


@pytest.mark.parametrize("intent", ["help", "choose", "stop", "nlu_fallback", "", None])
def test_other_intents_are_no_answer(intent: str | None) -> None:
    assert codes_from_intent(_step("has_children"), intent) is None


def test_the_threshold_is_the_fallback_classifier_threshold() -> None:
    config = yaml.safe_load(Path("bot/config.yml").read_text(encoding="utf-8"))
    (fallback,) = [c for c in config["pipeline"] if c["name"] == "FallbackClassifier"]
    assert fallback["threshold"] == INTENT_CONFIDENCE


@pytest.mark.parametrize("question_id", ["appears_under_18", "guardian_may_be_involved"])
def test_a_typed_no_never_ends_the_child_presumption(question_id: str) -> None:
    assert codes_from_intent(_step(question_id), "deny") is None
    assert codes_from_intent(_step(question_id), "affirm") == [YES]
