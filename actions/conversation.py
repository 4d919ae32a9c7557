"""What every action reads from the conversation: the officer's language and the open case."""

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from casework.cases import find_case
from casework.models import Case
from translations.catalog import shipped_catalogs


def officer_language(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return language if language in shipped_catalogs().languages else "en"


def case_of(session: Session, tracker: Tracker) -> Case | None:
    """The case the conversation is on; the slot holds its reference code, nothing else."""
    reference = tracker.get_slot("case_reference")
    return find_case(session, reference) if isinstance(reference, str) else None
