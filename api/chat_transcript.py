"""A conversation's tracker events as the web chat page shows them after a reload.

The page is given what it would have shown live: the officer's messages (a tapped button as its
title, an enrolment code never again) and the bot's messages with their buttons and our custom
data, split as the channel splits them. Messages the worker caused (`EXTERNAL:` user events)
are not the officer's words and are left out; the bot's answers to them stay.
"""

from typing import Any

_EXTERNAL_PREFIX = "EXTERNAL: "
_ENROL_PAYLOAD = "/enrol"
MAX_MESSAGES = 300


def _bot_parts(event: dict[str, Any]) -> list[dict[str, Any]]:
    data = event.get("data") or {}
    text = event.get("text")
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in data.get("buttons") or []
        if isinstance(b, dict)
    ]
    custom = data.get("custom") if isinstance(data.get("custom"), dict) else None
    if buttons or not text:
        part: dict[str, Any] = {"who": "bot", "text": text or "", "buttons": buttons}
        if custom:
            part["custom"] = custom
        return [part] if text or buttons else []
    parts: list[dict[str, Any]] = [
        {"who": "bot", "text": piece, "buttons": []} for piece in str(text).strip().split("\n\n")
    ]
    if custom:
        parts[-1]["custom"] = custom
    return parts


def page_messages(events: list[dict[str, Any]], *, code_placeholder: str) -> list[dict[str, Any]]:
    shown: list[dict[str, Any]] = []
    titles: dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "bot":
            for part in _bot_parts(event):
                titles.update({b["payload"]: b["title"] for b in part["buttons"]})
                shown.append(part)
        elif kind == "user":
            text = str(event.get("text") or "")
            if not text or text.startswith(_EXTERNAL_PREFIX):
                continue
            metadata = event.get("metadata") if isinstance(event.get("metadata"), dict) else {}
            if text.startswith(_ENROL_PAYLOAD):
                words = code_placeholder
            elif text.startswith("/"):
                words = str((metadata or {}).get("shown") or titles.get(text) or "")
            else:
                words = text
            if words:
                shown.append({"who": "user", "text": words})
    return shown[-MAX_MESSAGES:]
