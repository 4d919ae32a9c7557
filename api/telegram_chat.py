"""Sending the bot's messages into an officer's Telegram chat, answers and pushes alike.

Every message sent is recorded by its Telegram id (so /forget can delete it within the 48 hours
Telegram allows), the question it asks is noted (so a typed answer names it), and a referral
notice counts as told once Telegram took it (`casework.referral_notices.mark_shown`).
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from api.telegram_bot import TelegramBot
from api.telegram_keyboards import keyboard
from casework.chat_addresses import TELEGRAM, ChatAddress, note_question, record_sent
from casework.referral_notices import shown_in_chat

MAX_TEXT = 4096  # Telegram's limit for one message


def _pieces(text: str) -> list[str]:
    """The text in messages Telegram takes, cut at line ends where it must be cut."""
    pieces, current = [], ""
    for line in text.split("\n"):
        while len(line) > MAX_TEXT:
            pieces.append(line[:MAX_TEXT])
            line = line[MAX_TEXT:]
        if current and len(current) + 1 + len(line) > MAX_TEXT:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current.strip():
        pieces.append(current)
    return pieces


async def deliver(
    session: Session,
    bot: TelegramBot,
    row: ChatAddress,
    replies: list[dict[str, Any]],
    *,
    pushed: bool = False,
) -> int:
    """Send the replies in order; returns how many messages went out. The caller commits. A
    push leaves the open question as it is."""
    sent = 0
    chat_id = int(row.address)
    for reply in replies:
        # Every message of ours has text (Telegram refuses an empty one); the keyboard goes
        # under the last piece.
        pieces = _pieces(str(reply.get("text") or ""))
        markup = keyboard(reply)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            message_id = await bot.send_message(chat_id, piece, markup if last else None)
            record_sent(session, row.conversation, str(message_id), now=datetime.now(UTC))
            sent += 1
        shown_in_chat(session, TELEGRAM, row.conversation, reply, now=datetime.now(UTC))
    if not pushed:
        note_question(row, replies)
    return sent
