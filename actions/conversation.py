"""What every action reads from the conversation: who is writing, their language, the case."""

from datetime import UTC, datetime

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount
from casework.cases import find_visible_case
from casework.enrolment import account_for_sender
from casework.models import Case
from translations.catalog import shipped_catalogs

# The Rasa form that runs the interview (bot/domain/intake.yml).
INTAKE_FORM = "intake_form"


def officer_language(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return language if language in shipped_catalogs().languages else "en"


def chat_channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"


def enrolled_account(session: Session, tracker: Tracker) -> StaffAccount | None:
    """The account this chat identity is enrolled to; None for everyone else."""
    return account_for_sender(session, chat_channel(tracker), tracker.sender_id)


def case_of(session: Session, tracker: Tracker) -> Case | None:
    """The case the conversation is on, if the enrolled account writing may see it.

    The slot holds the reference code only; the check is made on every turn, so a disabled
    account or a revoked identity loses the case at once.
    """
    reference = tracker.get_slot("case_reference")
    if not isinstance(reference, str):
        return None
    account = enrolled_account(session, tracker)
    if account is None:
        return None
    return find_visible_case(session, reference, account, now=datetime.now(UTC))
