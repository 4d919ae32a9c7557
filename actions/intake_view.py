"""How an intake step looks in the chat: the codes offered, in order, and their rendering.

The same list serves buttons (payload `/choose{"choice": code, "step": question}`) and typed
option numbers, so "2 5" always means the second and fifth entries of what the officer sees.
Every button names the question it answers, and the message carries it for a chat that can
send it back with typed numbers (`custom.passage.step`): an answer to an earlier question is
then recognised and never answers the next one.
"""

import json
import re
from typing import Any

from rasa_sdk import Tracker

from casework.consent_categories import CONSENT_CATEGORIES
from casework.intake import Step
from casework.intake_questions import DECLINED, NO, UNKNOWN, YES, Kind, may_come_from_typed_words
from casework.person_texts import URGENT_MARK, is_need, need_text
from translations.catalog import Catalogs, shipped_catalogs
from translations.choices import CHECKBOX_CHANNELS, Choice, option_title, render_choices

DONE = "done"
_NUMBERS = re.compile(r"^\s*\d{1,3}(?:[\s,;]+\d{1,3})*\s*$")
# The FallbackClassifier's threshold (bot/config.yml): a typed answer's intent counts only when
# the model is at least this sure of it.
INTENT_CONFIDENCE = 0.7
# Typed short answers ("yes", "нет", "je ne sais pas", "ไม่อยากตอบ") and the option they mean.
_INTENT_CODES = {
    "affirm": YES,
    "deny": NO,
    "does_not_know": UNKNOWN,
    "prefers_not_to_say": DECLINED,
}


def offered_codes(step: Step) -> list[str]:
    codes = list(step.options)
    if step.question.level is not None:
        codes += [UNKNOWN, DECLINED]
    if step.question.kind is Kind.MANY:
        codes.append(DONE)
    return codes


def _title(catalogs: Catalogs, code: str, language: str) -> str:
    if code == DONE:
        return catalogs.lookup("button.done", language).text
    return option_title(catalogs, code, language)


def answered_question(tracker: Tracker) -> str | None:
    """The question an answer was given to: named by its button, or sent along by the chat."""
    named = next(tracker.get_latest_entity_values("step"), None)
    if isinstance(named, str):
        return named
    metadata = tracker.latest_message.get("metadata")
    shown = metadata.get("step") if isinstance(metadata, dict) else None
    return shown if isinstance(shown, str) and shown else None


def choice_payload(code: str, step: str) -> str:
    return "/choose" + json.dumps({"choice": code, "step": step}, separators=(",", ":"))


def codes_from_numbers(step: Step, text: str) -> list[str] | None:
    """ "1 3" -> the first and third offered codes; None if the text is not option numbers."""
    if not _NUMBERS.match(text):
        return None
    offered = offered_codes(step)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if any(n < 1 or n > len(offered) for n in numbers):
        return None
    return list(dict.fromkeys(offered[n - 1] for n in numbers))


def codes_from_intent(step: Step, intent: str | None) -> list[str] | None:
    """ "yes" (affirm) -> ["yes"] when the step offers it; None for other intents or codes."""
    code = _INTENT_CODES.get(intent or "")
    if code is None or code not in offered_codes(step):
        return None
    if not may_come_from_typed_words(step.question.id, code):
        return None
    return [code]


def render_step(
    step: Step, *, token: str, language: str, channel: str | None, chosen: set[str]
) -> dict[str, Any]:
    """`token` names the question of its case (`casework.intake.step_token`)."""
    catalogs = shipped_catalogs()
    text = catalogs.lookup(step.question.message_id, language).text
    if step.question.kind is Kind.MANY and channel not in CHECKBOX_CHANNELS:
        # Where each tap is a turn, the text says what is ticked so far; a page with
        # checkboxes shows that itself.
        titles = [_title(catalogs, c, language) for c in step.options if c in chosen]
        summary = (
            catalogs.render("intake.selected", language, chosen="; ".join(titles))
            if titles
            else catalogs.lookup("intake.nothing_selected", language).text
        )
        text = f"{text}\n{summary}"
    choices = [
        Choice(
            ("✓ " if code in chosen else "") + _title(catalogs, code, language),
            choice_payload(code, token),
        )
        for code in offered_codes(step)
    ]
    rendered = render_choices(text, choices, channel)
    question: dict[str, Any] = {"step": token}
    if step.question.kind is Kind.MANY:
        # What a chat with checkboxes needs: which buttons are options to tick (the others
        # answer at once), and what is ticked already.
        question |= {"multiple": True, "options": list(step.options), "chosen": sorted(chosen)}
    rendered["json_message"] = {"passage": question}
    return rendered


def person_block(
    message_id: str,
    *,
    person_language: str,
    officer_language: str,
    items: tuple[tuple[int | None, str], ...] = (),
    urgent: frozenset[str] = frozenset(),
    **values: object,
) -> str:
    """A text meant for the person, in their language, with the officer's language beside it.

    `items`: options listed under the text (number, catalog id), numbered as the officer's
    buttons are, so that the person can point at one; a number None lists the item unnumbered.
    `urgent`: the items (catalog ids) marked urgent."""
    catalogs = shipped_catalogs()
    for_person = catalogs.lookup(message_id, person_language)

    def listed(language: str) -> list[str]:
        mark = f" {catalogs.lookup(URGENT_MARK, language).text}" if urgent else ""
        return [
            ("- " if n is None else f"{n}. ")
            + catalogs.lookup(item, language).text
            + (mark if item in urgent else "")
            for n, item in items
        ]

    lines = [
        catalogs.lookup("intake.for_the_person", officer_language).text,
        for_person.text.format(**values),
        *listed(person_language),
    ]
    shown = [item for _, item in items] + ([URGENT_MARK] if urgent else [])
    unreviewed = not for_person.reviewed or any(
        not catalogs.lookup(item, person_language).reviewed for item in shown
    )
    if unreviewed:
        lines.append(catalogs.lookup("intake.unreviewed_notice", officer_language).text)
    if for_person.language != officer_language:
        lines += ["", catalogs.render(message_id, officer_language, **values)]
        lines += listed(officer_language)
    return "\n".join(lines)


def need_options(step: Step) -> tuple[tuple[int | None, str], ...]:
    """The needs offered by an assessment question, in the person's words, numbered as the
    officer's options."""
    return tuple(
        (number, need_text(code))
        for number, code in enumerate(offered_codes(step), start=1)
        if code in step.options and is_need(code)
    )


def consent_kinds(step: Step) -> tuple[tuple[int, str], ...]:
    """The kinds of service of the consent question, numbered as the officer's options."""
    return tuple(
        (number, f"option.{code}")
        for number, code in enumerate(offered_codes(step), start=1)
        if code in CONSENT_CATEGORIES
    )
