"""The questions of a case intake, in the order they are asked (SOP Annex A, then consent,
then the three assessment levels). Texts are catalog entries `ask.<id>` and `option.<code>`;
need items show as `need.<id>`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from casework.consent_categories import CONSENT_CATEGORIES
from casework.models import Case
from casework.people import CHILDREN_ELSEWHERE, CHILDREN_WITH_THEM
from casework.risk import RISK_CODES
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
    # False: asked afresh on every occasion it applies; the domain keeps what it means, the
    # answer itself is not kept (the risk check on resuming).
    kept: bool = True

    @property
    def message_id(self) -> str:
        return f"ask.{self.id}"


QUESTIONS: tuple[Question, ...] = (
    # A case resumed after its risk check: has anything changed? (casework.risk.recheck_due)
    Question("risk_recheck", Stage.SAFETY, Kind.MANY, RISK_CODES, kept=False),
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
    # How many children are with the person now (the provider learns the number, never ages or
    # names), or that children depend on them elsewhere; counts come first so that a typed "2"
    # picks two children.
    Question(
        "has_children",
        Stage.PERSON,
        Kind.ONE,
        (*CHILDREN_WITH_THEM, CHILDREN_ELSEWHERE, NO, UNKNOWN, DECLINED),
    ),
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
    # One question for every decision, so that it takes no more turns: referrals to every kind
    # of service, or to some kinds only (one option each). The first three keep their places,
    # so a typed "1 2" means what it always meant.
    Question(
        "consent_decisions",
        Stage.CONSENT,
        Kind.MANY,
        ("assessment", "referrals", "law_enforcement", *CONSENT_CATEGORIES),
    ),
    Question("level_1", Stage.ASSESSMENT, Kind.MANY, level=Level.BASIC_NEEDS),
    Question("level_2", Stage.ASSESSMENT, Kind.MANY, level=Level.ASSISTANCE_AND_SERVICES),
    Question("level_3", Stage.ASSESSMENT, Kind.MANY, level=Level.RIGHTS),
    # What cannot wait: the urgent needs and, in the same answer, any risk the person is in now
    # (casework.risk): one screen, so the risk check costs the officer no extra turn.
    Question("urgency", Stage.ASSESSMENT, Kind.MANY),
)
