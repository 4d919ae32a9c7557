"""The web chat: its page, the messages it sends, quick exit, and Rasa's pushes to it.

The page posts each message here; the API knows the conversation from the chat cookie and the
tab id (`api.chat_identity`) and relays the message to Rasa's web chat channel
(`api.rasa_relay`). What Rasa says unasked comes back through `/channels/webchat/push`
(`api.routers.channel_push`) and goes out to the page over socket.io (`api.chat_push`).
"""

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.orm import Session

from api.bot_replies import BotReply, bot_reply
from api.chat_identity import (
    COOKIE_NAME,
    browser_of,
    is_cookie_value,
    new_cookie_value,
    sender_for,
)
from api.deps import SessionDep, SettingsDep
from api.problems import BODY_ERRORS, problem
from api.rasa_relay import RasaUnavailable, RasaUnreachable, relay
from api.rate_limits import limit_chat_sender
from api.templating import page_language, templates, texts_in
from casework.forgetting import forget_chat
from casework.transcripts import TranscriptStore
from casework.web_chat_tabs import forget_tabs, remember_tab, tabs_of
from passage.config import Settings, get_settings
from translations.bidi import balanced
from translations.catalog import shipped_catalogs

router = APIRouter(tags=["chat"])

# Rasa's name for the channel: the tracker records it, enrolment binds (channel, sender).
WEB_CHAT_CHANNEL = "webchat"
# Texts the page's script shows itself (the rest are in the template).
_SCRIPT_TEXTS = (
    "chosen_count",
    "unreachable",
    "too_long",
    "empty",
    "reconnecting",
    "reconnected",
    "nothing_chosen",
    "chosen",
    "no_session",
)
SHOWN_MAX_CHARS = 300
TAB_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
STEP_PATTERN = r"^(?:[A-Z2-9]{4}-[A-Z2-9]{4}/)?[a-z0-9_]{1,64}$"
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


def _conversation(request: Request, session: Session, cookie: str | None, tab: str) -> str:
    key = request.app.state.chat_key
    sender = sender_for(key, cookie, tab)
    if sender is None or cookie is None:
        raise HTTPException(status_code=401, detail="no chat session; open the chat page first")
    remember_tab(session, browser_of(key, cookie), sender, now=datetime.now(UTC))
    session.commit()
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


# What str.strip() removes (every character for which str.isspace() holds), written as
# backslash-u escapes of four hex digits, which mean the same in pydantic's regex engine, in
# Python's and in the JSON Schema's (ECMA).
_SPACE = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# At least one character that is not a space, and no NUL anywhere.
MESSAGE_PATTERN = rf"^[^\u0000]*[^\u0000{_SPACE}][^\u0000]*$"


def _max_chars(schema: dict[str, Any]) -> None:
    """The schema's maxLength: the setting, read when the OpenAPI document is made."""
    schema["maxLength"] = get_settings().chat_message_max_chars


class ChatMessage(BaseModel):
    tab: str = Field(pattern=TAB_PATTERN, description="The page's tab id (sessionStorage).")
    message: str = Field(
        min_length=1,
        pattern=MESSAGE_PATTERN,
        json_schema_extra=_max_chars,
        description="What the officer typed: not blank, no NUL, at most "
        "PASSAGE_CHAT_MESSAGE_MAX_CHARS characters (maxLength).",
    )
    step: str | None = Field(
        default=None,
        pattern=STEP_PATTERN,
        description="The question this answer was given to, as the page last showed it.",
    )
    shown: str | None = Field(
        default=None,
        max_length=2000,
        description="How the page showed a tapped button or a selection (kept to 300 characters).",
    )

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        # Also what the pattern says, for a clear reason in the 422.
        if not value.strip():
            raise ValueError("message is empty")
        if "\x00" in value:
            raise ValueError("message contains a NUL character")
        if len(value) > get_settings().chat_message_max_chars:
            raise ValueError(
                f"message is {len(value)} characters; at most "
                f"{get_settings().chat_message_max_chars} are accepted"
            )
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate, sent as "\ud800" in the JSON
                raise ValueError("message is not valid Unicode text") from None
        return value


@router.post(
    "/chat/messages",
    responses=BODY_ERRORS
    | {
        401: _NO_SESSION,
        502: problem("The assistant answered with something that is not a list of replies."),
        503: problem("The assistant (the Rasa server) is not reachable."),
    },
)
async def send_message(
    body: ChatMessage,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cookie: ChatCookie = None,
) -> list[BotReply]:
    sender = _conversation(request, session, cookie, body.tab)
    limit_chat_sender(request, sender)
    metadata = {key: value for key, value in (("step", body.step), ("shown", body.shown)) if value}
    try:
        replies = await relay(
            settings.resolved_rasa_url,
            request.app.state.chat_key,
            WEB_CHAT_CHANNEL,
            sender,
            balanced(body.message),
            metadata,
        )
    except RasaUnreachable as failure:
        raise HTTPException(status_code=503, detail=str(failure)) from None
    except RasaUnavailable as failure:
        raise HTTPException(status_code=502, detail=str(failure)) from None
    return [bot_reply(item) for item in replies]


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
    """Quick exit: every tab of this browser is unbound from the officer's account and its
    transcript deleted, and the chat cookie is dropped."""
    key = request.app.state.chat_key
    sender = sender_for(key, cookie, body.tab)
    if sender is not None and cookie is not None:
        tabs = sorted({sender, *tabs_of(session, browser_of(key, cookie))})
        store = TranscriptStore(settings.resolved_tracker_url)
        try:
            for conversation in tabs:
                forget_chat(session, store, WEB_CHAT_CHANNEL, conversation, now=datetime.now(UTC))
            forget_tabs(session, tabs)
            session.commit()
        finally:
            store.close()
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response
