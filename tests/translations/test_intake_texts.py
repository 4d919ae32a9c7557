"""Every question, option and need the interview can show has a text in every language."""

import pytest

from casework.intake_questions import QUESTIONS
from referral_directory.needs import NEEDS
from translations.catalog import shipped_catalogs
from translations.choices import option_message_id

CATALOGS = shipped_catalogs()


def test_english_need_texts_are_the_needs_catalog_labels() -> None:
    for item in NEEDS:
        assert CATALOGS.lookup(f"need.{item.id}", "en").text == item.label


@pytest.mark.parametrize("language", CATALOGS.languages)
def test_every_question_and_option_has_a_text(language: str) -> None:
    ids = {q.message_id for q in QUESTIONS}
    ids |= {option_message_id(o, CATALOGS.languages) for q in QUESTIONS for o in q.options}
    ids |= {f"need.{n.id}" for n in NEEDS}
    ids |= {"option.does_not_know", "option.declined", "button.done", "consent.script"}
    for message_id in sorted(ids):
        assert CATALOGS.lookup(message_id, language).language == language, message_id
