"""What the custom actions answered to one officer message, kept for a few minutes, so that the
message sent again is answered the same and applied once.

With several Rasa replicas, the API sends a message again when the replica handling it died
before it saved the conversation (api/rasa_relay.py), marked as sent again. By then the actions
of that turn may have run and committed (a tick added, a case opened): run again, a tick would
be taken off and a second case opened. So the action server keeps every action's answer to a
message, in order, and, for the message sent again, answers each call of an action with that
action's next answer kept, without running it; once those are used up, actions run. Only a
message marked as sent again is answered from here: within one turn Rasa may call an action
twice with the same conversation (a form's validation), and each call must run.

The answers hold what the bot said (addresses, what the officer typed): encrypted at rest, and
deleted after `KEPT_FOR`, long past any resend (the API resends at once).
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.db import Base
from passage.core.field_crypto import EncryptedJSON
from passage.core.timestamps import UTCDateTime

KEPT_FOR = timedelta(minutes=10)


class ActionReplay(Base):
    __tablename__ = "action_replay"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The sender id Rasa knows the conversation by (a keyed hash for relayed chats).
    conversation_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(128))
    answer: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("action_replay.answer"))
    replayed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    __table_args__ = (Index("ix_action_replay_message", "conversation_id", "message_id"),)


def next_kept_answer(
    session: Session, conversation_id: str, message_id: str, action: str
) -> dict[str, Any] | None:
    """For a message sent again: the action's first answer to it not given back yet, now
    given back; None when there is none left (the action runs)."""
    kept = session.scalars(
        select(ActionReplay)
        .where(
            ActionReplay.conversation_id == conversation_id,
            ActionReplay.message_id == message_id,
            ActionReplay.action == action,
            ActionReplay.replayed.is_(False),
        )
        .order_by(ActionReplay.id)
        .limit(1)
    ).first()
    if kept is None:
        return None
    kept.replayed = True
    return kept.answer


def keep_answer(
    session: Session,
    conversation_id: str,
    message_id: str,
    action: str,
    answer: dict[str, Any],
    *,
    now: datetime,
) -> None:
    """Keeps the answer, after the ones before it, and forgets the expired ones."""
    session.execute(delete(ActionReplay).where(ActionReplay.created_at < now - KEPT_FOR))
    session.add(
        ActionReplay(
            conversation_id=conversation_id,
            message_id=message_id,
            action=action,
            answer=answer,
            replayed=False,
            created_at=now,
        )
    )
