"""What a custom action answered to one officer message, kept for a few minutes, so that the
message sent again is answered the same and applied once.

With several Rasa replicas, the API sends a message again when the replica handling it died
before it saved the conversation (api/rasa_relay.py). By then the actions of that turn may have
run and committed (a tick added, a case opened): run again, a tick would be taken off and a
second case opened. So the action server keeps each action's answer by conversation, message
id and call (the action's name and how many times it already ran in that turn, since a turn may
run one action twice), and answers a repeated call from here without running the action.

The answers hold what the bot said (addresses, what the officer typed): encrypted at rest, and
deleted after `KEPT_FOR`, long past any resend (the API resends at once).
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.db import Base
from passage.core.field_crypto import EncryptedJSON
from passage.core.timestamps import UTCDateTime

KEPT_FOR = timedelta(minutes=10)


class ActionReplay(Base):
    __tablename__ = "action_replay"
    __table_args__ = (UniqueConstraint("conversation_id", "message_id", "call"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A keyed hash or the sender id Rasa knows the conversation by, never an address.
    conversation_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(64))
    call: Mapped[str] = mapped_column(String(128))
    answer: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("action_replay.answer"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


def kept_answer(
    session: Session, conversation_id: str, message_id: str, call: str
) -> dict[str, Any] | None:
    return session.scalars(
        select(ActionReplay.answer).where(
            ActionReplay.conversation_id == conversation_id,
            ActionReplay.message_id == message_id,
            ActionReplay.call == call,
        )
    ).first()


def keep_answer(
    session: Session,
    conversation_id: str,
    message_id: str,
    call: str,
    answer: dict[str, Any],
    *,
    now: datetime,
) -> None:
    """Keeps the answer (the first one, if two replicas raced) and forgets the expired ones."""
    session.execute(delete(ActionReplay).where(ActionReplay.created_at < now - KEPT_FOR))
    try:
        with session.begin_nested():
            session.add(
                ActionReplay(
                    conversation_id=conversation_id,
                    message_id=message_id,
                    call=call,
                    answer=answer,
                    created_at=now,
                )
            )
    except IntegrityError:
        pass
