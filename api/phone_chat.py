"""Sending the bot's messages to an officer's phone, by SMS or WhatsApp through Twilio.

A phone shows text only: a reply's options become numbered lines (`translations.numbering`),
and `casework.chat_addresses` remembers what each number stands for. The twilio client is
synchronous: it runs in a worker thread, off the API's event loop. WhatsApp takes free-form
messages only within 24 hours of the officer's last message; outside it a push of news becomes
the approved template that says only that there is news ("Reply NEWS"), and the news itself
waits, untold, for the officer's answer.
"""

from datetime import UTC, datetime
from functools import partial
from typing import Any

import anyio
from requests.exceptions import RequestException
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException

from casework.chat_addresses import (
    TWILIO,
    ChatAddress,
    is_whatsapp,
    may_send_freely,
    news_template_due,
    number_options,
)
from casework.referral_notices import shown_in_chat
from casework.twilio_transport import twilio_client
from passage.config import Settings
from translations.numbering import numbered

# Typed by an officer whom the news template woke: asks for the news.
NEWS_WORDS = frozenset({"news", "/news"})
NEWS_PAYLOAD = "/referral_news"
# The phone's /forget (not a Twilio keyword, which STOP would be).
FORGET_WORDS = frozenset({"forget", "/forget"})


class PhoneUnavailable(RuntimeError):
    """Nothing can send to phones: no Twilio account (nor sandbox), or no WhatsApp sender."""


class PhoneSendFailed(RuntimeError):
    """Twilio did not take the message; the message names the error code only (Twilio's texts
    quote phone numbers)."""


def _send(settings: Settings, to: str, **message: str) -> None:
    account = settings.sms_account
    if account is None:
        raise PhoneUnavailable("SMS is not configured")
    sender = settings.twilio_whatsapp_from if to.startswith("whatsapp:") else account.from_number
    if not sender:
        raise PhoneUnavailable("no WhatsApp sender is configured")
    try:
        client = twilio_client(account.account_sid, account.auth_token, account.api_base)
    except ValueError:  # credentials missing: nothing can send
        raise PhoneUnavailable("Twilio credentials are incomplete") from None
    try:
        client.messages.create(to=to, from_=sender, **message)
    except TwilioRestException as error:
        raise PhoneSendFailed(f"twilio {error.status}/{error.code}") from None
    except RequestException as error:
        raise PhoneSendFailed(type(error).__name__) from None


async def deliver(
    session: Session,
    settings: Settings,
    row: ChatAddress,
    replies: list[dict[str, Any]],
    *,
    pushed: bool = False,
) -> int:
    """Send the replies in order, their options numbered as `number_options` says; returns how
    many went out. The caller commits."""
    firsts = number_options(row, replies, pushed=pushed)
    sent = 0
    for reply, first in zip(replies, firsts, strict=True):
        titles = [
            str(b.get("title", "")) for b in reply.get("buttons") or [] if isinstance(b, dict)
        ]
        text = str(reply.get("text") or "").strip()
        if first and titles:
            text = numbered(text, titles, first)
        if not text:
            continue
        await anyio.to_thread.run_sync(partial(_send, settings, row.address, body=text))
        sent += 1
        shown_in_chat(session, TWILIO, row.conversation, reply, now=datetime.now(UTC))
    return sent


async def push(
    session: Session, settings: Settings, row: ChatAddress, replies: list[dict[str, Any]]
) -> int:
    """What Rasa says unasked: sent as it is, or, on WhatsApp with the window shut, the news
    template at most once an hour (the news waits for the officer's reply)."""
    now = datetime.now(UTC)
    if may_send_freely(row, now=now):
        return await deliver(session, settings, row, replies, pushed=True)
    if not is_whatsapp(row) or not settings.whatsapp_news_template_sid:
        return 0
    if not news_template_due(row, now=now):
        return 0
    sid = settings.whatsapp_news_template_sid
    await anyio.to_thread.run_sync(partial(_send, settings, row.address, content_sid=sid))
    row.news_template_sent_at = now
    return 1


def wants_news(text: str) -> bool:
    return text.strip().casefold() in NEWS_WORDS


def wants_to_forget(text: str) -> bool:
    return text.strip().casefold() in FORGET_WORDS
