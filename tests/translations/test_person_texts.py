"""Every need and every question the person reads has a text in each of the person's languages."""

import pytest

from casework.intake_questions import QUESTIONS
from casework.person_texts import (
    ARRANGED,
    NO_NEEDS_NOTED,
    NOTED_NEEDS,
    URGENT_MARK,
    need_question_text,
    need_text,
)
from referral_directory.needs import CHILD_PROTECTION, DOCUMENT_NEEDS, NEEDS
from translations.catalog import PERSON_DOMAIN, shipped_catalogs

CATALOGS = shipped_catalogs()
# The words a frightened person reads at a glance, on a phone.
SHORT = 80
EVERY_NEED = (*NEEDS, CHILD_PROTECTION, *DOCUMENT_NEEDS)


def _person_ids() -> list[str]:
    asked = [need_question_text(q.id, [NEEDS[0].id]) for q in QUESTIONS]
    ids = [f"person.need.{n.id}" for n in EVERY_NEED]
    return ids + [i for i in asked if i] + [NOTED_NEEDS, NO_NEEDS_NOTED, URGENT_MARK, ARRANGED]


def test_a_need_without_words_for_the_person_falls_back_to_the_officers_label() -> None:
    assert need_text("basic.housing") == "person.need.basic.housing"
    assert need_text("not.written.yet") == "need.not.written.yet"


def test_each_assessment_question_and_urgency_has_a_text_for_the_person() -> None:
    asked = {q.id for q in QUESTIONS if need_question_text(q.id, [NEEDS[0].id])}
    assert asked == {"level_1", "level_2", "level_3", "urgency"}
    assert need_question_text("urgency", ["others_still_held"]) is None  # risks only


@pytest.mark.parametrize("language", CATALOGS.person_languages)
def test_every_person_text_is_in_every_person_language(language: str) -> None:
    for message_id in _person_ids():
        assert CATALOGS.domain_of(message_id) == PERSON_DOMAIN, message_id
        assert CATALOGS.lookup(message_id, language).language == language, message_id


def test_the_persons_need_words_are_short() -> None:
    for item in EVERY_NEED:
        assert len(CATALOGS.lookup(need_text(item.id), "en").text) <= SHORT, item.id
