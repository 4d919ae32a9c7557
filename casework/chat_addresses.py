"""Where to answer an officer who writes from Telegram, WhatsApp or SMS.

A chat address (a Telegram chat id, a phone number, a WhatsApp sender) is the officer's personal
data. Rasa and its tracker store never see it: the conversation id is a keyed hash of the
channel and the address, and the address itself is kept here, encrypted, to answer and to push
news to. It goes with the transcript (retention, quick exit, /forget, erasure).

The platforms' own rules live here too: WhatsApp takes free-form messages only within 24 hours
of the officer's last message, and a Telegram bot may delete its messages only within 48 hours.
"""

import hashlib
import hmac
import re
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.db import Base
from passage.core.field_crypto import EncryptedText
from passage.core.timestamps import UTCDateTime

TELEGRAM = "telegram"
TWILIO = "twilio"  # SMS and WhatsApp through Twilio: Rasa renders both as numbered text
_PREFIXES = {TELEGRAM: "tg-", TWILIO: "tw-"}
WHATSAPP_PREFIX = "whatsapp:"
WHATSAPP_WINDOW = timedelta(hours=24)
TELEGRAM_DELETE_WINDOW = timedelta(hours=48)
# A template that says "there is news" is sent again at most this often while the window is shut.
NEWS_TEMPLATE_INTERVAL = timedelta(hours=1)


class ChatAddress(Base):
    __tablename__ = "chat_address"

    conversation: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(EncryptedText("chat_address.address", max_chars=128))
    last_inbound_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The question the bot last asked here: a typed answer is taken as given to it, so that an
    # answer meant for an earlier question is recognised (`casework.intake.answers_step`).
    last_step: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # On SMS and WhatsApp the options of the last message are numbered lines: what each number
    # stands for (button titles and payloads: catalog texts and ids, nothing of a person).
    last_options: Mapped[list[list[str]] | None] = mapped_column(JSON, nullable=True)
    news_template_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ChatSentMessage(Base):
    """A message the bot sent into a Telegram chat: its id, so /forget can delete it."""

    __tablename__ = "chat_sent_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation: Mapped[str] = mapped_column(
        ForeignKey("chat_address.conversation", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


def conversation_id(key: bytes, channel: str, address: str) -> str:
    """The conversation id Rasa knows this chat by: a keyed hash, never the address."""
    if channel not in _PREFIXES:
        raise ValueError(f"no chat addresses for channel {channel!r}")
    digest = hmac.new(key, f"{channel}:{address}".encode(), hashlib.sha256).hexdigest()
    return _PREFIXES[channel] + digest[:32]


def remember_inbound(
    session: Session, key: bytes, channel: str, address: str, *, now: datetime
) -> str:
    """The officer wrote from this address: keep it (encrypted) to answer; returns the
    conversation id."""
    conversation = conversation_id(key, channel, address)
    row = session.get(ChatAddress, conversation)
    if row is None:
        try:
            with session.begin_nested():
                row = ChatAddress(
                    conversation=conversation, channel=channel, address=address, last_inbound_at=now
                )
                session.add(row)
        except IntegrityError:  # the same chat's first message, handled at this very moment
            row = session.get(ChatAddress, conversation)
            if row is None:
                raise
    row.last_inbound_at = now
    row.news_template_sent_at = None  # the window is open again
    session.flush()
    return conversation


def address_of(session: Session, conversation: str) -> ChatAddress | None:
    return session.get(ChatAddress, conversation)


_NUMBER = re.compile(r"^\s*(\d{1,2})\s*\.?\s*$")


def _buttons(reply: dict[str, Any]) -> list[list[str]]:
    buttons = reply.get("buttons")
    return [
        [str(b.get("title", "")), str(b.get("payload", ""))]
        for b in (buttons if isinstance(buttons, list) else [])
        if isinstance(b, dict)
    ]


def _passage(reply: dict[str, Any]) -> dict[str, Any]:
    custom = reply.get("custom")
    passage = custom.get("passage") if isinstance(custom, dict) else None
    return passage if isinstance(passage, dict) else {}


def number_options(row: ChatAddress, replies: list[dict[str, Any]], *, pushed: bool) -> list[int]:
    """How a phone shows the options of `replies`: for each reply, the number of its first
    option (0: its options are not shown), and what every number now stands for.

    The numbers of a turn run on across its messages (two needs' providers: 1-2 and 3-4), and
    a turn without options leaves none, so a number never stands for an option of an earlier
    turn. A question with several answers numbers its own options from 1 ("1 3" is its answer,
    read by the interview), and then nothing else of the turn is numbered. News pushed between
    turns adds its options after those of the turn, and none while a question with several
    answers is open."""
    several = any(_passage(r).get("multiple") and _buttons(r) for r in replies)
    if pushed:
        if row.last_step is not None and row.last_options is None:
            return [0] * len(replies)
        options = list(row.last_options or [])
    else:
        options = []
    firsts = []
    for reply in replies:
        buttons = _buttons(reply)
        if not buttons:
            firsts.append(0)
        elif _passage(reply).get("multiple"):
            firsts.append(1)
        elif several:
            firsts.append(0)
        else:
            firsts.append(len(options) + 1)
            options.extend(buttons)
    if not pushed:
        row.last_options = None if several or not options else options
        note_question(row, replies)
    elif options:
        row.last_options = options
    return firsts


def note_question(row: ChatAddress, replies: list[dict[str, Any]]) -> None:
    """After sending the answer to a turn: which question is open now, as the officer sees the
    chat (a typed answer names it)."""
    for reply in replies:
        step = _passage(reply).get("step")
        if isinstance(step, str):
            row.last_step = step
        elif "notice" not in _passage(reply):
            row.last_step = None


def numbered_option(row: ChatAddress, text: str) -> tuple[str, str] | None:
    """(title, payload) of the option a typed number stands for, if it stands for one."""
    found = _NUMBER.match(text)
    if found is None or not row.last_options:
        return None
    index = int(found.group(1)) - 1
    if not 0 <= index < len(row.last_options):
        return None
    title, payload = row.last_options[index]
    return title, payload


def is_whatsapp(row: ChatAddress) -> bool:
    return row.address.startswith(WHATSAPP_PREFIX)


def may_send_freely(row: ChatAddress, *, now: datetime) -> bool:
    """False on WhatsApp 24 hours after the officer's last message: then only a template."""
    return not is_whatsapp(row) or now - row.last_inbound_at < WHATSAPP_WINDOW


def news_template_due(row: ChatAddress, *, now: datetime) -> bool:
    """Whether to send the "there is news, reply NEWS" template now (not again and again)."""
    sent = row.news_template_sent_at
    return sent is None or now - sent >= NEWS_TEMPLATE_INTERVAL


def record_sent(session: Session, conversation: str, message_id: str, *, now: datetime) -> None:
    session.add(ChatSentMessage(conversation=conversation, message_id=message_id, sent_at=now))


def deletable_messages(session: Session, conversation: str, *, now: datetime) -> list[str]:
    """The bot's messages in this chat that the platform still lets it delete."""
    return list(
        session.scalars(
            select(ChatSentMessage.message_id)
            .where(
                ChatSentMessage.conversation == conversation,
                ChatSentMessage.sent_at > now - TELEGRAM_DELETE_WINDOW,
            )
            .order_by(ChatSentMessage.id)
        )
    )


def prune(
    session: Session, *, with_transcript: Collection[str], idle_before: datetime, now: datetime
) -> int:
    """Retention: addresses whose chat never got a transcript (its first message met Rasa down
    or a rate limit) and is idle, and sent-message ids too old to delete anyway."""
    orphans = [
        conversation
        for conversation in session.scalars(
            select(ChatAddress.conversation).where(ChatAddress.last_inbound_at < idle_before)
        )
        if conversation not in with_transcript
    ]
    session.execute(
        delete(ChatSentMessage).where(ChatSentMessage.sent_at <= now - TELEGRAM_DELETE_WINDOW)
    )
    return forget_addresses(session, orphans)


def forget_addresses(session: Session, conversations: Collection[str]) -> int:
    """Delete the addresses (and the sent-message ids) of these conversations."""
    if not conversations:
        return 0
    wanted = list(conversations)
    session.execute(delete(ChatSentMessage).where(ChatSentMessage.conversation.in_(wanted)))
    result = session.execute(delete(ChatAddress).where(ChatAddress.conversation.in_(wanted)))
    return int(getattr(result, "rowcount", 0) or 0)
