"""Twilio webhooks: providers' SMS replies and delivery status callbacks.

Both are checked against `X-Twilio-Signature`, computed over the URL as Twilio called it. That
URL is rebuilt from the configured public base URL, never from the Host header, which a proxy
rewrites.
"""

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from api import phone_chat
from api.deps import PoliciesDep, SessionDep, SettingsDep
from api.officer_notices import tell_officers_now
from api.phone_chat import NEWS_PAYLOAD, wants_news, wants_to_forget
from api.problems import BODY_ERRORS, Responses, problem
from api.rasa_relay import RasaUnavailable, conversation_language, relay
from api.rate_limits import chat_sender_wait, may_tell_over_limit
from casework.capacity_replies import handle_capacity_answer
from casework.chat_addresses import TWILIO, address_of, numbered_option, remember_inbound
from casework.forgetting import forget_chat
from casework.outbox import record_delivery
from casework.sms_replies import Outcome, handle_sms_reply
from casework.transcripts import TranscriptStore
from passage.config import Settings
from translations.bidi import balanced
from translations.catalog import shipped_catalogs

router = APIRouter(prefix="/webhooks/twilio", tags=["twilio webhooks"])
log = logging.getLogger(__name__)

_MAX_FIELD = 1600  # Twilio's longest message body
_MAX_SID = 64  # the column that keeps message ids; Twilio's are 34 characters


def _twilio_form(*fields: str) -> dict[str, Any]:
    """OpenAPI of what the handlers read themselves: the signature and the form Twilio posts."""
    properties = {name: {"type": "string", "maxLength": _MAX_FIELD} for name in fields}
    return {
        "parameters": [
            {
                "name": "X-Twilio-Signature",
                "in": "header",
                "required": True,
                "description": "Twilio's signature of the URL and the form (auth token).",
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": properties}
                }
            },
        },
    }


_REFUSED: Responses = BODY_ERRORS | {
    400: problem("A field Twilio always sends is missing, or the form cannot be read."),
    403: problem("The X-Twilio-Signature header is missing or does not match."),
}


async def _signed_params(request: Request, settings: Settings) -> dict[str, str]:
    """The form parameters, or 403 when the signature is missing or wrong."""
    signature = request.headers.get("X-Twilio-Signature")
    form = await request.form()
    params = {key: str(value)[:_MAX_FIELD] for key, value in form.items()}
    query = request.scope.get("query_string", b"").decode("latin-1")
    url = settings.resolved_public_base_url + request.url.path + (f"?{query}" if query else "")
    token = settings.sms_webhook_token
    valid = bool(signature and token) and RequestValidator(token).validate(url, params, signature)
    if not valid:
        # Logged without the parameters: they hold phone numbers.
        log.warning("refused a Twilio webhook on %s: missing or wrong signature", request.url.path)
        raise HTTPException(status_code=403, detail="invalid signature")
    return params


def _twiml(text: str | None, background: BackgroundTask | None = None) -> Response:
    answer = MessagingResponse()
    if text:
        answer.message(text)
    return Response(content=str(answer), media_type="application/xml", background=background)


@router.post(
    "/sms",
    summary="An SMS or WhatsApp message: a provider's reply, or an officer's chat",
    response_class=Response,
    responses=_REFUSED | {200: {"content": {"application/xml": {}}, "description": "TwiML."}},
    openapi_extra=_twilio_form("From", "Body", "MessageSid"),
)
async def sms_reply(
    request: Request, session: SessionDep, settings: SettingsDep, policies: PoliciesDep
) -> Response:
    params = await _signed_params(request, settings)
    sender, carrier_id = params.get("From", ""), params.get("MessageSid", "")
    if not sender or not carrier_id or len(carrier_id) > _MAX_SID:
        raise HTTPException(status_code=400, detail="From and MessageSid are required")
    capacity = handle_capacity_answer(
        session, sender=sender, body=params.get("Body", ""), now=datetime.now(UTC)
    )
    if capacity is not None and capacity.answer_id is not None:
        # A provider holding places for an operation (or declining to): answered at once.
        session.commit()
        text = shipped_catalogs().render(
            capacity.answer_id, capacity.language, **dict(capacity.values)
        )
        return _twiml(text)
    result = handle_sms_reply(
        session,
        sender=sender,
        body=params.get("Body", ""),
        carrier_id=carrier_id,
        policy=policies.referrals,
        now=datetime.now(UTC),
    )
    session.commit()
    if result.outcome is Outcome.UNKNOWN_SENDER:
        # Not a provider's number: an officer writing by SMS or WhatsApp (or a stranger, who
        # gets the public hotline like anyone not enrolled).
        trouble = await _from_officer(request, session, settings, sender, params.get("Body", ""))
        return _twiml(trouble)
    if result.answer_id is None:
        return _twiml(None)
    later = BackgroundTask(tell_officers_now, settings)
    catalogs = shipped_catalogs()
    values = dict(result.values)
    if "status" in values:
        values["status"] = catalogs.render(f"referral.status.{values['status']}", result.language)
    return _twiml(catalogs.render(result.answer_id, result.language, **values), later)


async def _from_officer(
    request: Request, session: Session, settings: Settings, address: str, body: str
) -> str | None:
    """Relay the officer's message to Rasa's "twilio" channel and send the answers back by the
    same way (SMS or WhatsApp). The phone number stays here, encrypted; Rasa gets a keyed hash.
    Returns what to answer right away when the message could not go to Rasa."""
    text = balanced(body).strip()[: settings.chat_message_max_chars]
    if not text:
        return None
    key = request.app.state.chat_key
    conversation = remember_inbound(session, key, TWILIO, address, now=datetime.now(UTC))
    session.commit()
    row = address_of(session, conversation)
    if row is None:
        return None
    if wants_to_forget(text):
        return await _forget_phone(settings, session, conversation)
    if chat_sender_wait(request, conversation) is not None:
        if not may_tell_over_limit(request, conversation):
            return None  # told a moment ago: an SMS per message would be the flood's cost
        return await _channel_text(settings, conversation, "chat.too_many_messages")
    metadata = {"step": row.last_step} if row.last_step else {}
    option = numbered_option(row, text)
    if option is not None:  # a number standing for one of the options just sent
        metadata["shown"], message = option
    else:
        message = NEWS_PAYLOAD if wants_news(text) else text
    try:
        replies = await relay(
            settings.resolved_rasa_url, key, TWILIO, conversation, message, metadata
        )
    except RasaUnavailable as failure:
        log.warning("an officer's SMS was not answered: %s", failure)
        return await _channel_text(settings, conversation, "chat.unavailable")
    try:
        await phone_chat.deliver(session, settings, row, replies)
    except (phone_chat.PhoneUnavailable, phone_chat.PhoneSendFailed) as failure:
        log.warning("an answer to an officer's phone was not sent: %s", failure)
        return await _channel_text(settings, conversation, "chat.unavailable")
    finally:
        session.commit()
    return None


async def _forget_phone(settings: Settings, session: Session, conversation: str) -> str:
    """FORGET: the transcript, the phone's address and its enrolment go; what is on the phone
    stays there, and the answer says so."""
    said = await _channel_text(settings, conversation, "chat.forgotten_phone")
    store = TranscriptStore(settings.resolved_tracker_url)
    try:
        forget_chat(session, store, TWILIO, conversation, now=datetime.now(UTC))
        session.commit()
    finally:
        store.close()
    return said


async def _channel_text(settings: Settings, conversation: str, message_id: str) -> str:
    language = await conversation_language(settings.resolved_rasa_url, conversation)
    return shipped_catalogs().lookup(message_id, language).text


@router.post(
    "/status",
    status_code=204,
    summary="Delivery status of an SMS we sent",
    response_class=Response,
    responses=_REFUSED,
    openapi_extra=_twilio_form("MessageSid", "MessageStatus"),
)
async def delivery_status(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    outbox: Annotated[int, Query(ge=1, le=2**62)],
) -> Response:
    params = await _signed_params(request, settings)
    carrier_id, status = params.get("MessageSid", ""), params.get("MessageStatus", "")
    if not carrier_id or not status or len(carrier_id) > _MAX_SID:
        raise HTTPException(status_code=400, detail="MessageSid and MessageStatus are required")
    record_delivery(session, outbox, carrier_id, status, now=datetime.now(UTC))
    session.commit()
    return Response(status_code=204)
