"""The bot's messages as Telegram inline keyboards, and what a tap on one means.

Callback data are at most 64 bytes and carry ids only. A button's payload goes as it is when it
fits; a longer one (a provider's id is a UUID) as `h:` and a digest, which the API looks up in
the buttons of the conversation's recent messages. A question with several answers is one
message whose keyboard is edited as the officer ticks options (`t:<option>`, a ✓ in front of
the ticked ones); `d:<question>` sends the ticked options in one turn. The keyboard itself
holds the selection, so nothing is kept between taps.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_CALLBACK_BYTES = 64
TICK = "✓ "
TOGGLE, DONE, DIGEST = "t:", "d:", "h:"


def digest(payload: str) -> str:
    return DIGEST + hashlib.sha256(payload.encode()).hexdigest()[:24]


def callback_data(payload: str) -> str:
    return payload if len(payload.encode()) <= MAX_CALLBACK_BYTES else digest(payload)


def _choice(payload: str) -> str | None:
    if not payload.startswith("/choose{"):
        return None
    try:
        value = json.loads(payload.removeprefix("/choose")).get("choice")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def keyboard(reply: dict[str, Any]) -> dict[str, Any] | None:
    """The inline keyboard of a bot message (one button a row: titles are long), or None."""
    buttons = reply.get("buttons") or []
    if not buttons:
        return None
    question = ((reply.get("custom") or {}).get("passage") or {}) if reply.get("custom") else {}
    options = set(question.get("options") or []) if question.get("multiple") else set()
    chosen = set(question.get("chosen") or [])
    rows = []
    for button in buttons:
        title, payload = str(button.get("title", "")), str(button.get("payload", ""))
        code = _choice(payload)
        if code is not None and code in options:
            text = (TICK if code in chosen else "") + title.removeprefix(TICK)
            rows.append([{"text": text, "callback_data": TOGGLE + code}])
        elif code == "done" and options:
            rows.append([{"text": title, "callback_data": DONE + str(question.get("step", ""))}])
        else:
            rows.append([{"text": title, "callback_data": callback_data(payload)}])
    return {"inline_keyboard": rows}


def _buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows = (markup or {}).get("inline_keyboard") or []
    return [b for row in rows if isinstance(row, list) for b in row if isinstance(b, dict)]


def toggled(markup: dict[str, Any], data: str) -> dict[str, Any]:
    """The keyboard with the option `data` ticked or unticked."""
    rows = []
    for row in (markup or {}).get("inline_keyboard") or []:
        new_row = []
        for button in row:
            button = dict(button)
            if button.get("callback_data") == data:
                text = str(button.get("text", ""))
                button["text"] = text.removeprefix(TICK) if text.startswith(TICK) else TICK + text
            new_row.append(button)
        rows.append(new_row)
    return {"inline_keyboard": rows}


def ticked(markup: dict[str, Any] | None) -> list[str]:
    return [
        str(b["callback_data"]).removeprefix(TOGGLE)
        for b in _buttons(markup)
        if str(b.get("callback_data", "")).startswith(TOGGLE)
        and str(b.get("text", "")).startswith(TICK)
    ]


@dataclass(frozen=True)
class Tap:
    """What a tap asks for: edit the keyboard (toggle), or send a message to Rasa."""

    toggle: str | None = None
    message: str | None = None
    shown: str | None = None
    step: str | None = None


def tap(
    data: str, markup: dict[str, Any] | None, recent_payloads: Iterable[tuple[str, str]]
) -> Tap | None:
    """Decode a tap; `recent_payloads` are (title, payload) of the conversation's recent
    buttons, for a digest. None: a tap on nothing Passage knows (an old or forged button)."""
    if data.startswith(TOGGLE):
        return Tap(toggle=data)
    if data.startswith(DONE):
        step = data.removeprefix(DONE)
        codes = ticked(markup)
        done = {"choice": "done", "selected": " ".join(codes), "step": step}
        wanted = {TOGGLE + code for code in codes}
        titles = [
            str(b.get("text", "")).removeprefix(TICK)
            for b in _buttons(markup)
            if b.get("callback_data") in wanted
        ]
        return Tap(
            message="/choose" + json.dumps(done, separators=(",", ":")),
            shown="; ".join(titles),
            step=step,
        )
    if data.startswith(DIGEST):
        for title, payload in recent_payloads:
            if digest(payload) == data:
                return Tap(message=payload, shown=title)
        return None
    if data.startswith("/"):
        shown = next(
            (str(b.get("text")) for b in _buttons(markup) if b.get("callback_data") == data), None
        )
        return Tap(message=data, shown=shown)
    return None
