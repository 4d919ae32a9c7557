"""Twilio webhooks: providers' SMS replies and delivery status callbacks.

Both are checked against `X-Twilio-Signature`, computed over the URL as Twilio called it. That
URL is rebuilt from the configured public base URL, never from the Host header, which a proxy
rewrites.
"""

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from starlette.background import BackgroundTask
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from api.dependencies import SessionDep, SettingsDep
from api.officer_notices import tell_officers_now
from api.problems import BODY_ERRORS, Responses, problem
from casework.outbox import record_delivery
from casework.sms_replies import handle_sms_reply
from passage.settings import Settings
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
    summary="A provider's SMS reply (ACCEPT / DECLINE)",
    response_class=Response,
    responses=_REFUSED | {200: {"content": {"application/xml": {}}, "description": "TwiML."}},
    openapi_extra=_twilio_form("From", "Body", "MessageSid"),
)
async def sms_reply(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    params = await _signed_params(request, settings)
    sender, carrier_id = params.get("From", ""), params.get("MessageSid", "")
    if not sender or not carrier_id or len(carrier_id) > _MAX_SID:
        raise HTTPException(status_code=400, detail="From and MessageSid are required")
    result = handle_sms_reply(
        session,
        sender=sender,
        body=params.get("Body", ""),
        carrier_id=carrier_id,
        policy=settings.referral_policy(),
        now=datetime.now(UTC),
    )
    session.commit()
    if result.answer_id is None:
        return _twiml(None)
    later = BackgroundTask(tell_officers_now, settings)
    catalogs = shipped_catalogs()
    values = dict(result.values)
    if "status" in values:
        values["status"] = catalogs.render(f"referral.status.{values['status']}", result.language)
    return _twiml(catalogs.render(result.answer_id, result.language, **values), later)


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
