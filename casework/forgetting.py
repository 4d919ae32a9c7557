"""Forgetting a chat on the officer's word (quick exit in the web chat, /forget elsewhere): the
identity is unbound from the account, the conversation's transcript deleted and the chat's
address (a Telegram chat, a phone) forgotten, so neither the device nor the tracker store shows
what was said. Case data in the database stays: the officer
resumes the case with its code after enrolling again.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.chat_addresses import forget_addresses
from casework.enrolment import forget_sender
from casework.models import Case
from casework.transcripts import TranscriptStore, case_conversations


def forget_chat(
    session: Session, store: TranscriptStore, channel: str, sender_id: str, *, now: datetime
) -> bool:
    """True if the identity was enrolled. A transcript naming a case under legal hold is kept:
    the hold is a court's or prosecutor's order and outranks the officer's wish."""
    was_enrolled = forget_sender(session, channel, sender_id, now=now)
    held = session.scalars(select(Case).where(Case.legal_hold_at.is_not(None))).all()
    if sender_id not in case_conversations(session, store, held):
        store.delete([sender_id])
    forget_addresses(session, [sender_id])
    record_audit(
        session,
        actor="chat",
        action="chat.forget",
        outcome="unbound" if was_enrolled else "not_enrolled",
        now=now,
        source=channel,
        purpose="quick_exit",
    )
    return was_enrolled
