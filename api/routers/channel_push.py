"""What Rasa says without being asked, on its way to the officer: Rasa's channel posts it here
(`bot/channels/relay.py`) with the channel's token, and the API sends it on to the web chat's
pages, the Telegram chat, or the phone."""

import logging
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, Field

from api import phone_chat, telegram_chat
from api.bot_replies import bot_reply
from api.chat_push import ChatPush
from api.deps import SessionDep, SettingsDep
from api.rasa_relay import token_matches
from api.telegram_bot import TelegramError, telegram_bot
from casework.chat_addresses import address_of
from casework.referral_notices import pushed_to_chat

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


class Push(BaseModel):
    recipient: str = Field(pattern=r"^(web|tg|tw)-[0-9a-f]{32}$")
    message: dict[str, Any]


@router.post("/channels/{channel}/push")
async def push_to_officer(
    channel: Literal["webchat", "telegram", "twilio"],
    body: Push,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    authorization: str = Header(default=""),
) -> dict[str, int]:
    """Called by Rasa with the channel's token only. Answers how many messages went out (or
    pages of this replica were open: with the Redis manager, pages held by other replicas get
    the push too, uncounted); a message that cannot go now leaves its news untold, for later."""
    if not token_matches(request.app.state.chat_key, channel, authorization):
        raise HTTPException(status_code=403, detail="only Rasa's channel may push")
    message = bot_reply(body.message).model_dump()
    now = datetime.now(UTC)
    if channel == "webchat":
        chat_push: ChatPush = request.app.state.chat_push
        pages = await chat_push.push(body.recipient, message)
        # Kept in the conversation's history too: a page that was closed shows it on return.
        pushed_to_chat(session, channel, body.recipient, message, now=now)
        session.commit()
        return {"sent": pages}
    row = address_of(session, body.recipient)
    if row is None or row.channel != channel:
        return {"sent": 0}  # forgotten (quick exit, /forget, retention): nobody to tell
    try:
        if channel == "telegram":
            bot = telegram_bot(settings)
            sent = await telegram_chat.deliver(session, bot, row, [message], pushed=True)
        else:
            sent = await phone_chat.push(session, settings, row, [message])
        if sent:
            pushed_to_chat(session, channel, body.recipient, message, now=now)
    except phone_chat.PhoneUnavailable as error:  # trying again will not help
        log.warning("push on %s not sent: %s", channel, error)
        sent = 0
    except (TelegramError, phone_chat.PhoneSendFailed) as error:
        # Rasa's trigger fails with this, and the worker wakes the conversation again later.
        log.warning("push on %s failed: %s", channel, error)
        raise HTTPException(status_code=503, detail="the message could not be sent") from None
    finally:
        session.commit()
    return {"sent": sent}
