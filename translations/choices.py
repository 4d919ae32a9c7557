"""A question with options, rendered for a channel: buttons, which a chat that shows text only
(SMS, WhatsApp) gets numbered by the API (`translations.numbering`)."""

from dataclasses import dataclass
from typing import Any

from translations.catalog import Catalogs
from translations.numbering import numbered
from translations.rasa_responses import TEXT_ONLY_CHANNELS

# Chats that show a question with several answers as checkboxes and one Done (the web chat):
# the selection travels with Done, so the text need not list it.
CHECKBOX_CHANNELS = frozenset({"webchat"})


@dataclass(frozen=True)
class Choice:
    title: str
    payload: str


def option_message_id(code: str, languages: list[str]) -> str:
    """Catalog id of an option code: need ids, language codes, or plain option codes."""
    if "." in code:
        return f"need.{code}"
    if code in languages:
        return f"language.{code}"
    return f"option.{code}"


def option_title(catalogs: Catalogs, code: str, language: str) -> str:
    return catalogs.lookup(option_message_id(code, catalogs.person_languages), language).text


def render_choices(text: str, choices: list[Choice], channel: str | None) -> dict[str, Any]:
    """Keyword arguments for a dispatcher message."""
    if channel in TEXT_ONLY_CHANNELS:
        return {"text": numbered(text, [c.title for c in choices])}
    return {"text": text, "buttons": [{"title": c.title, "payload": c.payload} for c in choices]}
