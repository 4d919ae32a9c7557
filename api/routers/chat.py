"""The web chat: its page, the messages it sends, quick exit, and Rasa's pushes to it.

The page posts each message here; the API knows the conversation from the chat cookie and the
tab id (`api.chat_identity`) and forwards the message to Rasa's web chat channel with the
channel token. What Rasa says unasked comes back through `/chat/push` and goes out to the
page over socket.io (`api.chat_push`).
"""

import hmac
import json
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Cookie, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, field_validator

from api.chat_identity import (
    COOKIE_NAME,
    channel_token,
    is_cookie_value,
    new_cookie_value,
    sender_for,
)
from api.chat_push import ChatPush
from api.dependencies import SessionDep, SettingsDep
from api.problems import BODY_ERRORS, problem
from api.rate_limits import limit_chat_sender
from api.templating import page_language, templates, texts_in
from casework.forgetting import forget_chat
from casework.transcripts import TranscriptStore
from passage.settings import Settings
from translations.bidi import balanced
from translations.catalog import shipped_catalogs

router = APIRouter(tags=["chat"])

# Rasa's name for the channel: the tracker records it, enrolment binds (channel, sender).
WEB_CHAT_CHANNEL = "webchat"
_RASA_TIMEOUT = httpx.Timeout(30.0, connect=3.0)
# Texts the page's script shows itself (the rest are in the template).
_SCRIPT_TEXTS = (
    "unreachable",
    "too_long",
    "empty",
    "reconnecting",
    "reconnected",
    "nothing_chosen",
    "chosen",
    "no_session",
)
TAB_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
STEP_PATTERN = r"^[a-z0-9_]{1,64}$"
_NO_SESSION = problem(
    "No chat session: the chat cookie or the tab id is missing. Open the chat page first."
)
ChatCookie = Annotated[str | None, Cookie(alias=COOKIE_NAME, include_in_schema=False)]


def _set_cookie(response: Response, settings: Settings, value: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        value,
        httponly=True,
        samesite="strict",
        secure=settings.resolved_public_base_url.startswith("https://"),
        path="/",
    )


def _conversation(request: Request, cookie: str | None, tab: str) -> str:
    sender = sender_for(request.app.state.web_chat_key, cookie, tab)
    if sender is None:
        raise HTTPException(status_code=401, detail="no chat session; open the chat page first")
    return sender


@router.get("/", response_class=HTMLResponse)
def chat_page(
    request: Request,
    settings: SettingsDep,
    cookie: ChatCookie = None,
    lang: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    language = page_language(lang, settings.default_language)
    catalogs = shipped_catalogs()
    config = {
        "texts": {k: catalogs.lookup(f"web.chat.{k}", language).text for k in _SCRIPT_TEXTS},
        "maxChars": settings.chat_message_max_chars,
        "exitUrl": settings.quick_exit_url,
    }
    response = templates.TemplateResponse(
        request,
        "chat/page.html",
        {
            "language": language,
            "t": texts_in(language),
            # JSON in a <script> block: escape "<" so no text can close the block.
            "config": json.dumps(config).replace("<", "\\u003c"),
        },
    )
    if not is_cookie_value(cookie):
        _set_cookie(response, settings, new_cookie_value())
    return response


class ChatMessage(BaseModel):
    tab: str = Field(pattern=TAB_PATTERN, description="The page's tab id (sessionStorage).")
    message: str = Field(min_length=1)
    step: str | None = Field(
        default=None,
        pattern=STEP_PATTERN,
        description="The question this answer was given to, as the page last showed it.",
    )
    shown: str | None = Field(
        default=None, max_length=300, description="How the page showed a tapped button."
    )

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message is empty")
        if "\x00" in value:
            raise ValueError("message contains a NUL character")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate, sent as "\ud800" in the JSON
                raise ValueError("message is not valid Unicode text") from None
        return value


class BotReply(BaseModel):
    text: str | None = None
    buttons: list[dict[str, str]] = Field(default_factory=list)
    custom: dict[str, Any] | None = Field(
        default=None,
        description="Passage's data about the message: the question it asks (`passage.step`, "
        "and for a multiple choice `multiple`, `options`, `chosen`), or the referral notice it "
        "carries (`passage.notice`).",
    )


@router.post(
    "/chat/messages",
    responses=BODY_ERRORS
    | {
        401: _NO_SESSION,
        413: problem("The body, or the message in it, is longer than accepted."),
        502: problem("The assistant answered with something that is not a list of replies."),
        503: problem("The assistant (the Rasa server) is not reachable."),
    },
)
async def send_message(
    body: ChatMessage, request: Request, settings: SettingsDep, cookie: ChatCookie = None
) -> list[BotReply]:
    sender = _conversation(request, cookie, body.tab)
    limit_chat_sender(request, sender)
    if len(body.message) > settings.chat_message_max_chars:
        raise HTTPException(
            status_code=413,
            detail=f"message is {len(body.message)} characters; at most "
            f"{settings.chat_message_max_chars} are accepted",
        )
    metadata = {key: value for key, value in (("step", body.step), ("shown", body.shown)) if value}
    forwarded = {"sender": sender, "message": balanced(body.message), "metadata": metadata}
    token = channel_token(request.app.state.web_chat_key)
    url = f"{settings.resolved_rasa_url}/webhooks/{WEB_CHAT_CHANNEL}/webhook"
    try:
        async with httpx.AsyncClient(timeout=_RASA_TIMEOUT, trust_env=False) as client:
            response = await client.post(
                url, json=forwarded, headers={"Authorization": f"Bearer {token}"}
            )
    except httpx.HTTPError:
        raise HTTPException(status_code=503, detail="the assistant is not reachable") from None
    try:
        replies = response.json() if response.is_success else None
    except ValueError:
        replies = None
    if not isinstance(replies, list):
        raise HTTPException(status_code=502, detail="the assistant could not answer")
    return [_reply(item) for item in replies if isinstance(item, dict)]


class ForgetRequest(BaseModel):
    tab: str = Field(pattern=TAB_PATTERN)


@router.post("/chat/forget", status_code=204, responses=BODY_ERRORS)
def forget_this_chat(
    body: ForgetRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cookie: ChatCookie = None,
) -> Response:
    """Quick exit: unbind this web chat from the officer's account, delete its transcript, and
    drop the chat cookie."""
    sender = sender_for(request.app.state.web_chat_key, cookie, body.tab)
    if sender is not None:
        store = TranscriptStore(settings.resolved_tracker_db)
        try:
            forget_chat(session, store, WEB_CHAT_CHANNEL, sender, now=datetime.now(UTC))
            session.commit()
        finally:
            store.close()
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


class Push(BaseModel):
    recipient: str = Field(pattern=r"^web-[0-9a-f]{32}$")
    message: dict[str, Any]


@router.post("/chat/push", include_in_schema=False)
async def push_to_pages(body: Push, request: Request) -> dict[str, int]:
    """What Rasa's web chat channel says unasked, pushed to the pages of the conversation.
    Called by Rasa with the channel token only."""
    expected = f"Bearer {channel_token(request.app.state.web_chat_key)}"
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status_code=403, detail="only Rasa's web chat channel may push")
    chat_push: ChatPush = request.app.state.chat_push
    pages = await chat_push.push(body.recipient, _reply(body.message).model_dump())
    return {"pages": pages}


def _reply(item: dict[str, Any]) -> BotReply:
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in item.get("buttons") or []
        if isinstance(b, dict)
    ]
    text = item.get("text")
    custom = item.get("custom")
    return BotReply(
        text=str(text) if text is not None else None,
        buttons=buttons,
        custom=custom if isinstance(custom, dict) else None,
    )
