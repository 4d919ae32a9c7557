"""What the person reads in their own language while the officer works: the needs they choose
from before each assessment question, what was noted when the assessment is complete, and what
was arranged once a provider accepted. Texts are entries of the person's catalog (`person.*`):
the officer's need labels (`need.<id>`) are written for officers, not for a frightened person.
"""

from collections.abc import Sequence

from casework.referral_status import Status
from referral_directory.needs import UnknownNeed, need
from translations.catalog import SOURCE_LANGUAGE, shipped_catalogs

# The questions whose options are needs the person chooses from, and what they are asked.
_NEED_QUESTIONS = {
    "level_1": "person.level_1",
    "level_2": "person.level_2",
    "level_3": "person.level_3",
    "urgency": "person.urgency",
}
NOTED_NEEDS = "person.summary"
NO_NEEDS_NOTED = "person.summary_none"
URGENT_MARK = "person.urgent_mark"
ARRANGED = "person.arranged"


def need_text(need_id: str) -> str:
    """The person's words for a need of the catalog (referral_directory.needs); until they are
    written, the officer's label (English, flagged unreviewed, in a person-only language)."""
    written = f"person.need.{need_id}"
    if shipped_catalogs().entry(written, SOURCE_LANGUAGE) is None:
        return f"need.{need_id}"
    return written


def is_need(code: str) -> bool:
    """An option that is a need of the catalog (the urgency question also offers risks)."""
    try:
        need(code)
    except UnknownNeed:
        return False
    return True


def need_question_text(question_id: str, options: Sequence[str]) -> str | None:
    """What the person is asked before the officer asks `question_id`, if it offers needs: an
    urgency question with nothing needed asks about risks only."""
    if not any(is_need(option) for option in options):
        return None
    return _NEED_QUESTIONS.get(question_id)


def noted_needs_text(needs_noted: bool) -> str:
    return NOTED_NEEDS if needs_noted else NO_NEEDS_NOTED


def arranged_due(to_status: str) -> bool:
    """The person learns what was arranged when a provider accepted: the kind of help only, since
    the officer, who alone sees the place's address, tells them how to get there."""
    return to_status == Status.ACCEPTED.value
