"""The interpreters shown when a case pauses for one (casework.interpreters finds them)."""

from datetime import UTC, datetime

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.policies import policies
from actions.proposals import proposal_line
from casework.interpreters import interpreters_for
from casework.models import Case
from translations.catalog import shipped_catalogs

SHOWN = 3


def say_interpreters(
    dispatcher: CollectingDispatcher, session: Session, case: Case, language: str
) -> None:
    catalogs = shipped_catalogs()
    found = interpreters_for(
        session,
        case,
        case.person_language or "other",
        policies().matching,
        now=datetime.now(UTC),
    )[:SHOWN]
    if not found:
        dispatcher.utter_message(text=catalogs.render("intake.interpreters_none", language))
        return
    lines = [catalogs.render("intake.interpreters_found", language)]
    lines += [proposal_line(catalogs, rank, p, language) for rank, p in enumerate(found, 1)]
    dispatcher.utter_message(text="\n".join(lines))
