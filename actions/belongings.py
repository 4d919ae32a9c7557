"""The officer records the belongings the police hold for the person (`/belongings`, or in
words), and later that they were returned: casework.belongings decides; this shows it.

Buttons carry `/belongings{"belongings_step": "<kind>"}` (ticks a kind or takes it off),
`"done"` (records the receipt) and `"returned <code>"`: codes only, nothing of the person.
The kinds being ticked are a draft in the database, not in a slot.
"""

import json
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.cases import INTAKE_ANSWER
from actions.conversation import INTAKE_FORM, case_of, enrolled_account, officer_language
from actions.intake_view import person_block
from casework.belongings import (
    KINDS,
    AlreadyReturned,
    NoReceipt,
    draft_kinds,
    held,
    kinds_of,
    mark_returned,
    normalize_code,
    record_draft,
    toggle_draft,
)
from casework.intake import next_step
from casework.models import BelongingsReceipt, Case
from passage.config import unit_of_work
from translations.catalog import shipped_catalogs
from translations.choices import Choice, render_choices

STEP_ENTITY = "belongings_step"
DONE = "done"
RETURNED = "returned"


def step_payload(step: str) -> str:
    return "/belongings" + json.dumps({STEP_ENTITY: step})


def _step(tracker: Tracker) -> str | None:
    value = next(tracker.get_latest_entity_values(STEP_ENTITY), None)
    return value.strip() if isinstance(value, str) else None


def _kind_titles(kinds: tuple[str, ...], language: str) -> str:
    catalogs = shipped_catalogs()
    return ", ".join(catalogs.lookup(f"belongings.kind.{k}", language).text for k in kinds)


def _kinds_question(
    session: Session, case: Case, language: str, channel: str | None, note: str = ""
) -> dict[str, Any]:
    """The kinds as buttons, the ticked ones marked, and Done; then the receipts of belongings
    still held, each with its Returned button (the receipt's own message may be long gone)."""
    catalogs = shipped_catalogs()
    chosen = draft_kinds(session, case)
    still_held = held(session, case)
    lines = [catalogs.render("belongings.choose", language, case_reference=case.reference)]
    if chosen:
        lines.append(
            catalogs.render("intake.selected", language, chosen=_kind_titles(chosen, language))
        )
    else:
        lines.append(catalogs.lookup("intake.nothing_selected", language).text)
    if note:
        lines.insert(0, note)
    choices = [
        Choice(
            ("✓ " if kind in chosen else "")
            + catalogs.lookup(f"belongings.kind.{kind}", language).text,
            step_payload(kind),
        )
        for kind in KINDS
    ]
    choices.append(Choice(catalogs.lookup("button.done", language).text, step_payload(DONE)))
    for receipt in still_held:
        kinds = _kind_titles(kinds_of(receipt), language)
        lines.append(catalogs.render("belongings.held", language, code=receipt.code, kinds=kinds))
        choices.append(
            Choice(
                catalogs.render("belongings.button.returned_code", language, code=receipt.code),
                step_payload(f"{RETURNED} {receipt.code}"),
            )
        )
    return render_choices("\n".join(lines), choices, channel)


class ActionBelongings(Action):
    """Asked during the interview, the interview waits (its form would otherwise ask its
    question again after every tap) and goes on once the receipt is recorded or returned."""

    def name(self) -> str:
        return "action_belongings"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        channel = tracker.get_latest_input_channel()
        step = _step(tracker)
        now = datetime.now(UTC)
        events: list[EventType] = []
        if tracker.active_loop_name == INTAKE_FORM:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        with unit_of_work() as session:
            case = case_of(session, tracker)
            account = enrolled_account(session, tracker)
            if case is None or account is None:
                dispatcher.utter_message(text=catalogs.render("intake.no_case", language))
                return events
            if step is not None and step.startswith(RETURNED):
                code = normalize_code(step[len(RETURNED) :])
                text = _returned(
                    session, case, code, actor=account.username, now=now, language=language
                )
                dispatcher.utter_message(text=text)
                return events + _back_to_interview(session, case, now)
            if step == DONE:
                try:
                    receipt = record_draft(session, case, actor=account.username, now=now)
                except ValueError:
                    note = catalogs.lookup("belongings.none_chosen", language).text
                    dispatcher.utter_message(
                        **_kinds_question(session, case, language, channel, note)
                    )
                    return events
                for message in _receipt_messages(receipt, case, language, channel):
                    dispatcher.utter_message(**message)
                return events + _back_to_interview(session, case, now)
            if step in KINDS:
                toggle_draft(session, case, step)
            dispatcher.utter_message(**_kinds_question(session, case, language, channel))
        return events


def _back_to_interview(session: Session, case: Case, now: datetime) -> list[EventType]:
    """The interview asks its open question again, unless it is over or the case paused."""
    if next_step(session, case, now=now) is None:
        return []
    return [SlotSet(INTAKE_ANSWER, None), FollowupAction(INTAKE_FORM)]


def _receipt_messages(
    receipt: BelongingsReceipt, case: Case, language: str, channel: str | None
) -> list[dict[str, Any]]:
    """For the officer, the receipt with its Returned button; for the person, the same in
    their language, to show or copy."""
    catalogs = shipped_catalogs()
    kinds = kinds_of(receipt)
    text = catalogs.render(
        "belongings.recorded",
        language,
        code=receipt.code,
        case_reference=case.reference,
        kinds=_kind_titles(kinds, language),
    )
    returned = Choice(
        catalogs.lookup("belongings.button.returned", language).text,
        step_payload(f"{RETURNED} {receipt.code}"),
    )
    for_the_person = person_block(
        "person.belongings_receipt",
        person_language=case.person_language or language,
        officer_language=language,
        items=tuple((None, f"person.belonging.{k}") for k in kinds),
        code=receipt.code,
    )
    return [render_choices(text, [returned], channel), {"text": for_the_person}]


def _returned(
    session: Session, case: Case, code: str | None, *, actor: str, now: datetime, language: str
) -> str:
    catalogs = shipped_catalogs()
    if code is None:
        return catalogs.lookup("belongings.not_a_code", language).text
    try:
        mark_returned(session, case, code, actor=actor, now=now)
    except NoReceipt:
        return catalogs.render("belongings.not_of_case", language, code=code)
    except AlreadyReturned:
        return catalogs.render("belongings.already_returned", language, code=code)
    return catalogs.render("belongings.returned", language, code=code)
