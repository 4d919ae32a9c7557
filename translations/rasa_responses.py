"""Rasa response variations generated from the catalogs, so the catalogs stay the one source.

Each response gets a default variation (English) and one variation per other language
(conditioned on the `language` slot). Buttons always travel as buttons: a channel that cannot
show them (SMS, WhatsApp) gets them numbered by the API, which also knows what a typed number
then stands for (`translations.choices.numbered`). Rasa ranks conditional+channel > channel >
conditional > default, which is the fallback order wanted if a channel ever needs its own.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from translations.catalog import SOURCE_LANGUAGE, Catalogs
from translations.numbering import numbered

RESPONSES_FILE = Path(__file__).parent / "responses.yml"
LANGUAGE_SLOT = "language"
# Rasa channel names that get variations of their own (none: see the module's comment).
TEXT_ONLY_CHANNELS: tuple[str, ...] = ()


@dataclass(frozen=True)
class Button:
    title: str  # catalog id
    payload: str


@dataclass(frozen=True)
class ResponseSpec:
    name: str
    buttons: list[Button] = field(default_factory=list)
    # One button per officer language after the others, so a new catalog needs no YAML edit.
    language_buttons: bool = False

    def all_buttons(self, catalogs: Catalogs) -> list[Button]:
        if not self.language_buttons:
            return self.buttons
        return self.buttons + [
            Button(f"language.{code}", f'/set_language{{"language":"{code}"}}')
            for code in catalogs.languages
        ]


def load_specs(path: Path = RESPONSES_FILE) -> list[ResponseSpec]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        ResponseSpec(
            name,
            [Button(**b) for b in (body or {}).get("buttons", [])],
            bool((body or {}).get("language_buttons", False)),
        )
        for name, body in raw.items()
    ]


def _variation(
    spec: ResponseSpec, catalogs: Catalogs, language: str, channel: str | None
) -> dict[str, Any]:
    text = catalogs.lookup(spec.name, language).text
    buttons = spec.all_buttons(catalogs)
    titles = [catalogs.lookup(b.title, language).text for b in buttons]
    variation: dict[str, Any] = {}
    if channel is None:
        variation["text"] = text
        if buttons:
            variation["buttons"] = [
                {"title": t, "payload": b.payload} for t, b in zip(titles, buttons, strict=True)
            ]
    else:
        variation["text"] = numbered(text, titles)
        variation["channel"] = channel
    if language != SOURCE_LANGUAGE:
        variation["condition"] = [{"type": "slot", "name": LANGUAGE_SLOT, "value": language}]
    return variation


def build_responses(
    catalogs: Catalogs, specs: list[ResponseSpec]
) -> dict[str, list[dict[str, Any]]]:
    responses: dict[str, list[dict[str, Any]]] = {}
    for spec in specs:
        variations = []
        for channel in (None, *TEXT_ONLY_CHANNELS):
            for language in catalogs.languages:
                variations.append(_variation(spec, catalogs, language, channel))
        responses[spec.name] = variations
    return responses


def write_domain_file(
    catalogs: Catalogs, out: Path, specs: list[ResponseSpec] | None = None
) -> None:
    domain = {
        "version": "3.1",
        "responses": build_responses(catalogs, specs if specs is not None else load_specs()),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    header = "# Generated from translations/ by `passage rasa domain`. Do not edit.\n"
    out.write_text(
        header + yaml.safe_dump(domain, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
