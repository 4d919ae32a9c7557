"""Interpreters to call when the person's consent cannot be informed without one.

Only the directory is read, with the language and the officer's region: nothing about the person
leaves, so looking needs no consent (a referral of the person would).
"""

from datetime import datetime

from sqlalchemy.orm import Session

from casework.models import Case
from referral_directory.match_values import CaseForMatching, MatchingRules, Proposal
from referral_directory.matcher import directory_index

INTERPRETATION_NEED = "services.interpretation"
# Answers to the language question that name no language.
_NO_LANGUAGE = {"other", "does_not_know", "declined"}


def interpreters_for(
    session: Session, case: Case, language: str, rules: MatchingRules, *, now: datetime
) -> list[Proposal]:
    """Interpretation services for `language` (any language when it is not known) that serve the
    region of the case's officer or work remotely, best first."""
    known = language if language not in _NO_LANGUAGE else None
    wanted = CaseForMatching(
        needs=(INTERPRETATION_NEED,),
        urgent=frozenset({INTERPRETATION_NEED}),
        presumed_minor=False,  # the interpreter works with the officer, not for the person
        languages=(known,) if known else (),
        area=case.region,
    )
    (match,) = directory_index(session, rules).match(wanted, now, {})
    return [p for p in match.proposals if known is None or known in p.candidate.languages]
