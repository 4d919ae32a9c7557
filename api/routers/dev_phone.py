"""/dev/phone: the phone sandbox's page, for trying Passage without a Twilio account.

It exists only while `passage run` runs the sandbox (no Twilio account configured) and answers
only on this machine. It lists every SMS the sandbox took for each provider number, through the
twilio client as Passage itself would read Twilio, and lets a newcomer answer as that provider:
the sandbox posts the reply to Passage signed exactly as Twilio signs.
"""

import ipaddress
import json
from typing import Annotated, Any
from urllib.parse import urlsplit

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from api.deps import SessionDep, SettingsDep
from api.templating import page_language, templates, texts_in
from casework.sms_replies import awaiting_sms_answer
from casework.twilio_transport import twilio_client
from passage.config import SmsAccount, SmsMode
from referral_directory.sms_endpoints import providers_by_sms_number
from translations.catalog import shipped_catalogs

router = APIRouter(prefix="/dev/phone", include_in_schema=False)
_SANDBOX_TIMEOUT = httpx.Timeout(30.0, connect=3.0)
_MAX_MESSAGES = 500
_FORWARDING_HEADERS = ("forwarded", "x-forwarded-host", "x-real-ip")
_SCRIPT_TEXTS = (
    "outbound-api",
    "outbound-reply",
    "from_phone",
    "accept",
    "decline",
    "sent",
    "failed",
    "unknown_number",
)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in {"localhost", "testclient", "testserver"}  # the test client's names


def _on_this_machine(request: Request) -> bool:
    """Only a browser on this machine, asking for this machine by name: a reverse proxy in front
    would make every client look local (so forwarded requests are refused), and a Host header
    of another name is what DNS rebinding sends. The scaled profile's own nginx, on this
    machine, names the browser in X-Forwarded-For (which uvicorn takes for the client from it
    alone, PASSAGE_FORWARDED_ALLOW_IPS): accepted when every address it names is this
    machine's, refused when any is another's."""
    client = request.client.host if request.client is not None else ""
    host = urlsplit(f"//{request.headers.get('host', '')}").hostname or ""
    forwarded_for = [
        address.strip()
        for address in request.headers.get("x-forwarded-for", "").split(",")
        if address.strip()
    ]
    forwarded = any(name in request.headers for name in _FORWARDING_HEADERS) or not all(
        _loopback(address) for address in forwarded_for
    )
    return _loopback(client) and _loopback(host) and not forwarded


def _sandbox_here(request: Request, settings: SettingsDep) -> SmsAccount:
    """The sandbox's account; 404 when there is no sandbox or the caller is not this machine."""
    account = settings.sms_account
    if settings.sms_mode is not SmsMode.SANDBOX or account is None or not _on_this_machine(request):
        raise HTTPException(status_code=404, detail="Not Found")
    return account


SandboxDep = Annotated[SmsAccount, Depends(_sandbox_here)]


@router.get("", response_class=HTMLResponse)
def phone_page(
    request: Request,
    settings: SettingsDep,
    _account: SandboxDep,
    lang: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    language = page_language(lang, settings.default_language)
    t = texts_in(language)
    catalogs = shipped_catalogs()
    # With their placeholders: the script fills them in.
    script_texts = {
        key: catalogs.lookup(f"dev.phone.{key}", language).text for key in _SCRIPT_TEXTS
    }
    return templates.TemplateResponse(
        request,
        "dev/phone.html",
        {
            "language": language,
            "t": t,
            "script_texts": json.dumps(script_texts).replace("<", "\\u003c"),
        },
    )


@router.get("/messages")
def phone_messages(
    session: SessionDep, settings: SettingsDep, account: SandboxDep
) -> list[dict[str, Any]]:
    """Every provider number with its SMS both ways, oldest first, and the codes it may answer."""
    client = twilio_client(account.account_sid, account.auth_token, account.api_base)
    messages = sorted(
        client.messages.list(limit=_MAX_MESSAGES), key=lambda m: (m.date_created, m.sid)
    )
    names = providers_by_sms_number(session)
    waiting = awaiting_sms_answer(session)
    phones: dict[str, dict[str, Any]] = {}
    for message in messages:
        inbound = message.direction == "inbound"
        number = message.from_ if inbound else message.to
        phone = phones.setdefault(number, _phone(number, names, waiting))
        phone["messages"].append(
            {"direction": "from_phone" if inbound else message.direction, "body": message.body}
        )
    return list(phones.values())


def _phone(
    number: str, names: dict[str, list[str]], waiting: dict[str, list[str]]
) -> dict[str, Any]:
    return {
        "number": number,
        "providers": names.get(number, []),
        "waiting": waiting.get(number, []),
        "messages": [],
    }


class PhoneReply(BaseModel):
    number: str = Field(pattern=r"^\+[1-9][0-9]{6,14}$")
    body: str = Field(min_length=1, max_length=1600)


@router.post("/reply")
async def reply_as_provider(body: PhoneReply, account: SandboxDep, settings: SettingsDep) -> Any:
    """The provider's phone answers: the sandbox posts it to Passage as Twilio would. JSON only,
    so another site cannot make a browser post it (a cross-site JSON POST needs CORS)."""
    url = f"{account.api_base}/sandbox/reply"
    try:
        async with httpx.AsyncClient(timeout=_SANDBOX_TIMEOUT, trust_env=False) as client:
            answer = await client.post(
                url,
                data={"From": body.number, "Body": body.body},
                auth=(account.account_sid, account.auth_token),
            )
    except httpx.HTTPError:
        raise HTTPException(status_code=503, detail="the phone sandbox is not running") from None
    if not answer.is_success:
        raise HTTPException(status_code=502, detail="the phone sandbox could not deliver it")
    return answer.json()
