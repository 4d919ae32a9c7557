"""The questions of a case intake, in the order they are asked (SOP Annex A, then consent,
then the three assessment levels). Texts are catalog entries `ask.<id>` and `option.<code>`;
need items show as `need.<id>`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from casework.models import Case
from referral_directory.needs import Level

YES, NO, UNKNOWN, DECLINED = "yes", "no", "does_not_know", "declined"


# Answers that take a protection away, or stand for the person's own agreement, are taken from a
# button or an option number only, never from typed words read by the intent model: it is
# sometimes sure of nonsense (a stray town name read as "no" at 1.00), and a misread answer here
# would end the presumption that the person is a child, or record a child's assent nobody gave.
_NOT_FROM_TYPED_WORDS = frozenset(
    {("appears_under_18", NO), ("guardian_may_be_involved", NO), ("child_assent", YES)}
)


def may_come_from_typed_words(question_id: str, code: str) -> bool:
    return (question_id, code) not in _NOT_FROM_TYPED_WORDS


class Stage(StrEnum):
    SAFETY = "safety"
    PERSON = "person"
    CONSENT = "consent"
    ASSESSMENT = "assessment"


class Kind(StrEnum):
    ONE = "one"  # pick one option
    MANY = "many"  # pick any number of options
    TEXT = "text"  # short free text (never a name: the question says so), or one of the options


def _always(_case: Case) -> bool:
    return True


def _child(case: Case) -> bool:
    return case.presumed_child


@dataclass(frozen=True)
class Question:
    id: str
    stage: Stage
    kind: Kind
    options: tuple[str, ...] = ()
    applies: Callable[[Case], bool] = field(default=_always)
    level: Level | None = None  # assessment questions: which level's needs are the options

    @property
    def message_id(self) -> str:
        return f"ask.{self.id}"


QUESTIONS: tuple[Question, ...] = (
    Question("urgent_medical", Stage.SAFETY, Kind.ONE, (YES, NO, UNKNOWN)),
    Question(
        "present",
        Stage.SAFETY,
        Kind.MANY,
        ("private_space", "interpreter_here", "other_officers", "companions", "possible_exploiter"),
    ),
    Question("person_language", Stage.PERSON, Kind.ONE, ("en", "ru", "other")),
    # "Does not know" and "prefers not to answer" are offered wherever the person is asked about
    # themself (principle 4); an age left unknown or unsaid keeps the person a presumed child.
    Question("appears_under_18", Stage.PERSON, Kind.ONE, (YES, NO, "unsure", DECLINED)),
    Question(
        "guardian_may_be_involved", Stage.PERSON, Kind.ONE, (YES, NO, UNKNOWN, DECLINED), _child
    ),
    Question("gender", Stage.PERSON, Kind.ONE, ("female", "male", "other", UNKNOWN, DECLINED)),
    Question("has_children", Stage.PERSON, Kind.ONE, (YES, NO, UNKNOWN, DECLINED)),
    Question("area", Stage.PERSON, Kind.TEXT, (UNKNOWN, DECLINED)),
    Question(
        "exploitation_form",
        Stage.PERSON,
        Kind.ONE,
        ("sexual", "labour", "domestic_servitude", "begging_crime", "other", UNKNOWN, DECLINED),
    ),
    Question(
        "representative",
        Stage.CONSENT,
        Kind.ONE,
        ("social_worker", "ngo", "guardian", "none"),
        _child,
    ),
    # How the consent text was given, and whether the person could say it back: one question,
    # since each "given" answer includes that they understood; "not_yet" means explain again.
    Question(
        "consent_delivery",
        Stage.CONSENT,
        Kind.ONE,
        ("read_by_officer", "shown_on_screen", "interpreter", "not_yet"),
    ),
    Question("child_assent", Stage.CONSENT, Kind.ONE, (YES, NO), _child),
    Question(
        "consent_decisions",
        Stage.CONSENT,
        Kind.MANY,
        ("assessment", "referrals", "law_enforcement"),
    ),
    Question("level_1", Stage.ASSESSMENT, Kind.MANY, level=Level.BASIC_NEEDS),
    Question("level_2", Stage.ASSESSMENT, Kind.MANY, level=Level.ASSISTANCE_AND_SERVICES),
    Question("level_3", Stage.ASSESSMENT, Kind.MANY, level=Level.RIGHTS),
    Question("urgency", Stage.ASSESSMENT, Kind.MANY),
)
