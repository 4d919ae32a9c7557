"""A bot message as the chat routes give it: Rasa's reply reduced to text, buttons and Passage's
custom data (the web chat answers with it, and pushes it to the page)."""

from typing import Any

from pydantic import BaseModel, Field


class BotReply(BaseModel):
    text: str | None = None
    buttons: list[dict[str, str]] = Field(default_factory=list)
    custom: dict[str, Any] | None = Field(
        default=None,
        description="Passage's data about the message: the question it asks (`passage.step`, "
        "and for a multiple choice `multiple`, `options`, `chosen`), or the referral notice it "
        "carries (`passage.notice`).",
    )


def bot_reply(item: dict[str, Any]) -> BotReply:
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
