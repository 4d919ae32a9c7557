"""The web chat page, and the endpoint it posts to, which forwards to Rasa's REST channel."""

import html
import json
from datetime import UTC, datetime
from pathlib import Path
from string import Template
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, field_validator

from api.dependencies import SessionDep, SettingsDep
from api.problems import BODY_ERRORS, problem
from api.rate_limits import limit_chat_sender
from casework.forgetting import forget_chat
from casework.transcripts import TranscriptStore
from translations.catalog import shipped_catalogs

router = APIRouter(tags=["chat"])

_PAGE = Template(
    (Path(__file__).parents[1] / "templates" / "chat.html").read_text(encoding="utf-8")
)
_PAGE_TEXTS = (
    "title",
    "intro",
    "placeholder",
    "send",
    "unreachable",
    "too_long",
    "empty",
    "quick_exit",
    "quick_exit_hint",
)
# Messages posted here reach Rasa's REST channel, which is the channel the tracker records.
WEB_CHAT_CHANNEL = "rest"
_RASA_TIMEOUT = httpx.Timeout(30.0, connect=3.0)


class ChatMessage(BaseModel):
    sender: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    message: str

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


@router.get("/", response_class=HTMLResponse)
def chat_page(
    settings: SettingsDep, lang: Annotated[str | None, Query(max_length=16)] = None
) -> HTMLResponse:
    catalogs = shipped_catalogs()
    language = lang if lang in catalogs.languages else settings.default_language
    texts = {key: catalogs.lookup(f"web.chat.{key}", language).text for key in _PAGE_TEXTS}
    page = _PAGE.substitute(
        language=html.escape(language),
        title=html.escape(texts["title"]),
        intro=html.escape(texts["intro"]),
        placeholder=html.escape(texts["placeholder"]),
        send=html.escape(texts["send"]),
        quick_exit=html.escape(texts["quick_exit"]),
        quick_exit_hint=html.escape(texts["quick_exit_hint"]),
        # JSON in a <script> block: escape "<" so no text can close the block.
        config=json.dumps(
            {
                "texts": texts,
                "maxChars": settings.chat_message_max_chars,
                "exitUrl": settings.quick_exit_url,
            }
        ).replace("<", "\\u003c"),
    )
    return HTMLResponse(page)


@router.post(
    "/chat/messages",
    responses=BODY_ERRORS
    | {
        413: problem("The body, or the message in it, is longer than accepted."),
        502: problem("The assistant answered with something that is not a list of replies."),
        503: problem("The assistant (the Rasa server) is not reachable."),
    },
)
async def send_message(
    body: ChatMessage, request: Request, settings: SettingsDep
) -> list[BotReply]:
    limit_chat_sender(request, body.sender)
    if len(body.message) > settings.chat_message_max_chars:
        raise HTTPException(
            status_code=413,
            detail=f"message is {len(body.message)} characters; at most "
            f"{settings.chat_message_max_chars} are accepted",
        )
    url = f"{settings.resolved_rasa_url}/webhooks/rest/webhook"
    try:
        async with httpx.AsyncClient(timeout=_RASA_TIMEOUT) as client:
            response = await client.post(url, json={"sender": body.sender, "message": body.message})
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
    sender: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


@router.post("/chat/forget", status_code=204, responses=BODY_ERRORS)
def forget_this_chat(body: ForgetRequest, session: SessionDep, settings: SettingsDep) -> Response:
    """Quick exit: unbind this web chat from the officer's account and delete its transcript."""
    store = TranscriptStore(settings.resolved_tracker_db)
    try:
        forget_chat(session, store, WEB_CHAT_CHANNEL, body.sender, now=datetime.now(UTC))
        session.commit()
    finally:
        store.close()
    return Response(status_code=204)


def _reply(item: dict[str, Any]) -> BotReply:
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in item.get("buttons") or []
        if isinstance(b, dict)
    ]
    text = item.get("text")
    return BotReply(text=str(text) if text is not None else None, buttons=buttons)
