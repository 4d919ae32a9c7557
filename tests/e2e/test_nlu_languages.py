"""The navigation intents understood in every officer language, measured on held-back examples.

Each example of tests/nlu/<language>.yml (never trained on) goes to the running Rasa server's
`/model/parse`; it counts as understood when the intent is right and the model is as sure as
the FallbackClassifier asks. The per-language report is printed and written to
var/results/nlu_languages.txt, so it is there whether or not pytest shows output (-s).
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from actions.intake_view import INTENT_CONFIDENCE
from tests.e2e.conftest import Stack
from tests.e2e.officer import Officer, en

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
HELD_BACK = ROOT / "tests" / "nlu"
TRAINING = ROOT / "bot" / "data" / "nlu"
REPORT = ROOT / "var" / "results" / "nlu_languages.txt"
LANGUAGES = ("en", "ru", "fr", "km", "th", "vi")
NAVIGATION = {
    "affirm",
    "deny",
    "help",
    "stop",
    "pause",
    "go_back",
    "change_language",
    "does_not_know",
    "prefers_not_to_say",
    "choose",
}
# Measured when the sets were written, over two trainings: en 0.98-1.00, ru 0.98, fr 0.96-0.98,
# km, th and vi 1.00. The floor is the lowest (0.96) less a margin for retraining and new
# training data (three more misses of 50); never below 0.8, the bar.
ACCURACY_FLOOR = 0.9
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def _examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU YAML file, entity annotations stripped."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in str(block["examples"]).splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                pairs.append((_ANNOTATION.sub(r"\1", text), str(block["intent"])))
    return pairs


@dataclass
class Score:
    language: str
    n: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0


def _parse(stack: Stack, text: str) -> dict[str, Any]:
    response = httpx.post(
        f"{stack.settings.resolved_rasa_url}/model/parse",
        params=stack.rasa_api_params,
        content=json.dumps({"text": text}),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _report(scores: list[Score]) -> str:
    lines = [
        f"NLU navigation intents on held-back examples (right intent, confidence >= "
        f"{INTENT_CONFIDENCE}); floor {ACCURACY_FLOOR:.2f}",
        f"{'language':<10}{'n':>5}{'correct':>9}{'accuracy':>10}",
    ]
    lines += [f"{s.language:<10}{s.n:>5}{s.correct:>9}{s.accuracy:>10.3f}" for s in scores]
    for score in scores:
        lines += [f"  {score.language} miss: {miss}" for miss in score.misses]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def scores(stack: Stack) -> dict[str, Score]:
    results = {}
    for language in LANGUAGES:
        score = Score(language)
        for text, expected in _examples(HELD_BACK / f"{language}.yml"):
            intent = _parse(stack, text)["intent"]
            score.n += 1
            if intent["name"] == expected and intent["confidence"] >= INTENT_CONFIDENCE:
                score.correct += 1
            else:
                score.misses.append(
                    f"{text!r}: expected {expected}, got {intent['name']} "
                    f"({intent['confidence']:.2f})"
                )
        results[language] = score
    report = _report(list(results.values()))
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report, encoding="utf-8")
    print("\n" + report)
    return results


def test_held_back_sets_cover_every_navigation_intent_and_are_not_trained_on() -> None:
    trained = {text.casefold() for path in TRAINING.glob("*.yml") for text, _ in _examples(path)}
    for language in LANGUAGES:
        examples = _examples(HELD_BACK / f"{language}.yml")
        counts = {intent: sum(1 for _, i in examples if i == intent) for intent in NAVIGATION}
        assert min(counts.values()) >= 4, (language, counts)
        assert {i for _, i in examples} <= NAVIGATION, language
        assert not [t for t, _ in examples if t.casefold() in trained], language


@pytest.mark.parametrize("language", LANGUAGES)
def test_navigation_intents_are_understood(scores: dict[str, Score], language: str) -> None:
    score = scores[language]
    assert score.accuracy >= ACCURACY_FLOOR, (score.accuracy, score.misses)


@pytest.mark.parametrize(
    "code", ["yes", "no", "does_not_know", "declined", "done", "private_space"]
)
@pytest.mark.parametrize("spacing", [(",", ":"), (", ", ": ")])
def test_button_payloads_still_parse_as_choose(
    stack: Stack, code: str, spacing: tuple[str, str]
) -> None:
    payload = "/choose" + json.dumps({"choice": code}, separators=spacing)
    parsed = _parse(stack, payload)
    assert parsed["intent"]["name"] == "choose"
    assert parsed["intent"]["confidence"] == 1.0
    assert [(e["entity"], e["value"]) for e in parsed["entities"]] == [("choice", code)]


@pytest.mark.parametrize("typed", ["no", "нет", "non", "ទេ", "ไม่", "không"])
def test_a_typed_no_answers_a_yes_no_question(stack: Stack, typed: str) -> None:
    officer = Officer(stack)
    officer.start()  # the first question: urgent medical need (yes, no, does not know)
    officer.answer(typed, "present")


def test_a_typed_yes_outside_the_interview_gets_the_default_reply(stack: Stack) -> None:
    replies = Officer(stack).say("yes")
    assert replies == [en("utter_default")]
