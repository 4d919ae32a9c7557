"""The person's language proposed from a typed sentence, in the officer's language."""

from actions.language_proposal import language_proposal
from casework.intake import Step
from casework.intake_questions import QUESTIONS
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()
PERSON_LANGUAGE = next(q for q in QUESTIONS if q.id == "person_language")
STEP = Step(PERSON_LANGUAGE, [*CATALOGS.person_languages, "other"])
BURMESE = "ကျွန်တော် အိမ်ပြန်ချင်ပါတယ်"


def test_a_burmese_sentence_is_proposed_as_burmese_in_the_officers_language() -> None:
    said = language_proposal(STEP, BURMESE, officer_language="km")
    burmese = CATALOGS.lookup("language.my", "km").text
    assert said == CATALOGS.render("intake.language_detected", "km", name=burmese)


def test_only_offered_languages_are_proposed() -> None:
    step = Step(PERSON_LANGUAGE, ["en", "ru", "other"])
    said = language_proposal(step, BURMESE, officer_language="en")
    assert said == CATALOGS.lookup("intake.language_not_detected", "en").text


def test_text_without_letters_is_not_guessed() -> None:
    said = language_proposal(STEP, "🙂🙂 !!", officer_language="en")
    assert said == CATALOGS.lookup("intake.language_not_detected", "en").text


def test_payloads_numbers_and_other_questions_are_left_alone() -> None:
    assert language_proposal(STEP, '/choose{"choice":"my"}', officer_language="en") is None
    assert language_proposal(STEP, "3", officer_language="en") is None
    assert language_proposal(STEP, "   ", officer_language="en") is None
    gender = next(q for q in QUESTIONS if q.id == "gender")
    assert language_proposal(Step(gender, ["female"]), BURMESE, officer_language="en") is None
