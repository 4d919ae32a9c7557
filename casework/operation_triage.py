"""The quick triage of a person found in a rescue operation.

After a raid one officer meets many persons at the safe site. For each, the interview of a case
under an operation pauses once, as soon as the few answers that decide what cannot wait are
in: urgent medical care, whether the person is taken for a child (adults apart from minors),
and the language. The rest of the interview (consent, the assessment) follows when someone,
maybe another worker of the unit, resumes the case by its reference.
"""

from dataclasses import dataclass
from datetime import datetime

from casework.case_status import pause
from casework.models import Case

# The questions of the triage, in casework.intake_questions' order; the safety questions come
# with it since no person is asked anything before the setting is safe.
TRIAGE_QUESTIONS = frozenset(
    {
        "risk_recheck",
        "urgent_medical",
        "present",
        "person_language",
        "appears_under_18",
        "guardian_may_be_involved",
    }
)


@dataclass(frozen=True)
class Triage:
    urgent_medical: str | None
    presumed_child: bool
    language: str | None


def triage_of(case: Case) -> Triage:
    return Triage(case.urgent_medical, case.presumed_child, case.person_language)


def end_triage_if_done(case: Case, answered: str, following: str | None, *, now: datetime) -> bool:
    """Pauses the case when `answered` was the last triage question (`following` is the id of
    the question that comes next, None when none does); once per case, never for a case not
    under an operation. Returns whether it did."""
    if case.operation_id is None or case.triaged_at is not None:
        return False
    if answered not in TRIAGE_QUESTIONS or following in TRIAGE_QUESTIONS:
        return False
    case.triaged_at = now
    pause(case)
    return True
