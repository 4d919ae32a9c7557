"""Telegram: updates from the officer's chat, relayed to Rasa, answered in the chat.

Telegram sends every update with the secret token given to `setWebhook` (done once when the API
starts, `api.app`); an update without it is refused with 403 and changes nothing, and nothing
asks Telegram who the bot is on each message. The chat id stays here, encrypted
(`casework.chat_addresses`); Rasa sees a keyed hash. A tap answers its callback at once (so the
button stops spinning); a tick in a question with several answers only edits the keyboard.
`/forget` deletes the bot's recent messages in the chat and the transcript, and unbinds the
chat (`casework.forgetting`).
"""

import hmac
import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import IntegrityError

from api.deps import SessionDep, SettingsDep
from api.problems import BODY_ERRORS, problem
from api.rasa_relay import RasaUnavailable, conversation_language, recent_buttons, relay
from api.rate_limits import chat_sender_wait, may_tell_over_limit
from api.telegram_bot import TelegramBot, TelegramError, telegram_bot, webhook_secret
from api.telegram_chat import deliver
from api.telegram_keyboards import tap, toggled
from casework.chat_addresses import (
    TELEGRAM,
    address_of,
    deletable_messages,
    record_sent,
    remember_inbound,
)
from casework.forgetting import forget_chat
from casework.referral_models import InboundMessage
from casework.transcripts import TranscriptStore
from passage.config import Settings
from translations.bidi import balanced
from translations.catalog import shipped_catalogs

router = APIRouter(tags=["telegram"])
log = logging.getLogger(__name__)

FORGET_COMMAND = "/forget"
START_COMMAND = "/start"
GREET_PAYLOAD = "/greet"


class _Chat(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int
    type: str = ""


class _User(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    message_id: int
    chat: _Chat
    from_: _User | None = Field(default=None, alias="from")
    text: str | None = None
    reply_markup: dict[str, Any] | None = None


class _CallbackQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    from_: _User | None = Field(default=None, alias="from")
    data: str | None = None
    message: _Message | None = None


class _Update(BaseModel):
    model_config = ConfigDict(extra="ignore")
    update_id: int
    message: _Message | None = None
    callback_query: _CallbackQuery | None = None


def _checked_secret(request: Request, settings: Settings, given: str | None) -> None:
    if not settings.telegram_configured:
        raise HTTPException(status_code=404, detail="Telegram is not configured")
    expected = webhook_secret(request.app.state.chat_key)
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        log.warning("refused a Telegram update: missing or wrong secret token")
        raise HTTPException(status_code=403, detail="invalid secret token")


@router.post(
    "/webhooks/telegram",
    summary="An update from the officers' Telegram bot",
    responses=BODY_ERRORS
    | {
        403: problem("The X-Telegram-Bot-Api-Secret-Token header is missing or wrong."),
        404: problem("Telegram is not configured on this server."),
    },
)
async def telegram_update(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    secret: Annotated[str | None, Header(alias="X-Telegram-Bot-Api-Secret-Token")] = None,
) -> dict[str, bool]:
    """Answers 200 to everything Telegram sends with the secret, handled or ignored: Telegram
    sends again whatever gets another answer, and an update it cannot fix would come forever."""
    _checked_secret(request, settings, secret)
    try:
        update = _Update.model_validate(await request.json())
    except (ValueError, ValidationError):
        log.warning("ignored a Telegram update that is not one")
        return {"ok": True}
    if not _first_time(session, update.update_id):
        return {"ok": True}  # Telegram sent it again: it was handled once
    bot = telegram_bot(settings)
    try:
        if update.callback_query is not None:
            await _tapped(request, session, settings, bot, update.callback_query)
        elif update.message is not None and update.message.text:
            await _typed(request, session, settings, bot, update.message)
    except TelegramError as error:  # the officer's turn was taken; a retry would repeat it
        log.warning("%s", error)
    return {"ok": True}


def _first_time(session: SessionDep, update_id: int) -> bool:
    carrier_id = f"telegram:{update_id}"
    if session.get(InboundMessage, carrier_id) is not None:
        return False
    session.add(InboundMessage(carrier_id=carrier_id, received_at=datetime.now(UTC)))
    try:
        session.commit()
    except IntegrityError:  # the same update, handled at this moment by another request
        session.rollback()
        return False
    return True


def _private(chat: _Chat, sender: _User | None) -> bool:
    """Only a private chat with the officer: in a group every member would read case facts and
    could act as the officer."""
    return chat.type == "private" and sender is not None and sender.id == chat.id


def _remember(request: Request, session: SessionDep, chat_id: int) -> str:
    conversation = remember_inbound(
        session, request.app.state.chat_key, TELEGRAM, str(chat_id), now=datetime.now(UTC)
    )
    session.commit()
    return conversation


async def _typed(
    request: Request, session: SessionDep, settings: Settings, bot: TelegramBot, message: _Message
) -> None:
    if not _private(message.chat, message.from_):
        return
    text = (message.text or "").strip()[: settings.chat_message_max_chars]
    conversation = _remember(request, session, message.chat.id)
    # The officer's own messages go with /forget too (a bot may delete them in a private chat).
    record_sent(session, conversation, str(message.message_id), now=datetime.now(UTC))
    session.commit()
    if text.split("@")[0] == FORGET_COMMAND:
        await _forget(session, settings, bot, message.chat.id, conversation)
        return
    if text.split("@")[0] == START_COMMAND:
        text = GREET_PAYLOAD
    row = address_of(session, conversation)
    step = row.last_step if row is not None else None
    metadata = {"step": step} if step else {}
    await _relay_and_answer(request, session, settings, bot, conversation, balanced(text), metadata)


async def _tapped(
    request: Request,
    session: SessionDep,
    settings: Settings,
    bot: TelegramBot,
    query: _CallbackQuery,
) -> None:
    try:
        await bot.answer_callback(query.id)
    except TelegramError as error:
        log.warning("%s", error)
    if query.message is None or not query.data or not _private(query.message.chat, query.from_):
        return
    chat_id = query.message.chat.id
    conversation = _remember(request, session, chat_id)
    if chat_sender_wait(request, conversation) is not None:
        return  # ticks count too; the button was answered, nothing else happens
    recent = (
        await recent_buttons(settings.resolved_rasa_url, conversation)
        if query.data.startswith("h:")
        else []
    )
    meant = tap(query.data, query.message.reply_markup, recent)
    if meant is None:
        return
    if meant.toggle is not None:
        markup = toggled(query.message.reply_markup or {}, meant.toggle)
        try:
            await bot.edit_reply_markup(chat_id, query.message.message_id, markup)
        except TelegramError as error:
            log.warning("%s", error)
        return
    metadata = {
        key: value for key, value in (("shown", meant.shown), ("step", meant.step)) if value
    }
    await _relay_and_answer(
        request, session, settings, bot, conversation, meant.message or "", metadata
    )


async def _relay_and_answer(
    request: Request,
    session: SessionDep,
    settings: Settings,
    bot: TelegramBot,
    conversation: str,
    message: str,
    metadata: dict[str, str],
) -> None:
    row = address_of(session, conversation)
    if row is None or not message:
        return
    if chat_sender_wait(request, conversation) is not None:
        # Said once a minute at most: a flood must not be answered message for message.
        if may_tell_over_limit(request, conversation):
            await _say(session, settings, bot, conversation, "chat.too_many_messages")
        return
    try:
        replies = await relay(
            settings.resolved_rasa_url,
            request.app.state.chat_key,
            TELEGRAM,
            conversation,
            message,
            metadata,
        )
    except RasaUnavailable:
        await _say(session, settings, bot, conversation, "chat.unavailable")
        return
    try:
        await deliver(session, bot, row, replies)
    finally:
        session.commit()


async def _say(
    session: SessionDep,
    settings: Settings,
    bot: TelegramBot,
    conversation: str,
    message_id: str,
    language: str | None = None,
    *,
    chat_id: int | None = None,
) -> None:
    """A text of the channel itself, not Rasa's, in the language the officer chose in Rasa;
    recorded like every message of the bot, so /forget deletes it too."""
    row = address_of(session, conversation)
    if chat_id is None:
        if row is None:
            return
        chat_id = int(row.address)
    language = language or await conversation_language(settings.resolved_rasa_url, conversation)
    text = shipped_catalogs().lookup(message_id, language).text
    try:
        sent = await bot.send_message(chat_id, text)
    except TelegramError as error:
        log.warning("%s", error)
        return
    if row is not None:
        record_sent(session, conversation, str(sent), now=datetime.now(UTC))
        session.commit()


async def _forget(
    session: SessionDep, settings: Settings, bot: TelegramBot, chat_id: int, conversation: str
) -> None:
    language = await conversation_language(settings.resolved_rasa_url, conversation)
    now = datetime.now(UTC)
    kept = 0
    for message_id in deletable_messages(session, conversation, now=now):
        try:
            await bot.delete_message(chat_id, int(message_id))
        except TelegramError as error:  # deleted already by the officer, or Telegram refused
            log.warning("%s", error)
            kept += 1
    store = TranscriptStore(settings.resolved_tracker_url)
    try:
        forget_chat(session, store, TELEGRAM, conversation, now=now)
        session.commit()
    finally:
        store.close()
    # The chat is forgotten: this last message is not recorded anywhere. It says the truth
    # about what Telegram let the bot delete.
    said = "chat.forgotten" if not kept else "chat.forgotten_not_all_deleted"
    await _say(session, settings, bot, conversation, said, language, chat_id=chat_id)
