"""How an operation's readiness, its board, its menu and a person's triage read in the chat.

Texts are the catalogs' `operation.*` entries; the figures come from casework.
"""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casework.capacity_requests import readiness
from casework.intake_questions import NO, YES
from casework.models import Case
from casework.operation_cases import NO_REFERRAL, board
from casework.operation_models import OperationPlan
from casework.operation_triage import triage_of
from casework.operations import details_of
from translations.catalog import Catalogs, shipped_catalogs
from translations.choices import Choice, option_title, render_choices
from translations.rasa_responses import TEXT_ONLY_CHANNELS

TIME_FORMAT = "%Y-%m-%d %H:%M"
# The menu's options in their order: the number typed after the code picks one.
STEPS = ("new_person", "board", "readiness")
NEW_PERSON_ONLY = STEPS[:1]


def _payload(code: str, step: str) -> str:
    return "/operation" + f'{{"operation_code":"{code}","operation_step":"{step}"}}'


def menu(
    code: str, language: str, channel: str | None, steps: tuple[str, ...] = STEPS
) -> dict[str, Any]:
    """New person, board, readiness: buttons, or numbers typed after the code."""
    catalogs = shipped_catalogs()
    choices = [
        Choice(catalogs.lookup(f"button.operation.{step}", language).text, _payload(code, step))
        for step in steps
    ]
    message_id = "operation.menu_typed" if channel in TEXT_ONLY_CHANNELS else "operation.menu"
    return render_choices(catalogs.render(message_id, language, code=code), choices, channel)


def _group(catalogs: Catalogs, for_minors: bool, language: str) -> str:
    return catalogs.lookup(
        "operation.group.minors" if for_minors else "operation.group.adults", language
    ).text


def readiness_text(session: Session, plan: OperationPlan, language: str) -> str:
    catalogs = shipped_catalogs()
    details = details_of(plan)
    ready = readiness(session, plan)
    lines = [
        catalogs.render(
            "operation.readiness.title",
            language,
            code=plan.code,
            start=details.window_start.strftime(TIME_FORMAT),
            end=details.window_end.strftime(TIME_FORMAT),
            adults=details.adult_count,
            minors=details.minor_count,
        )
    ]
    for row in ready.needs:
        lines.append(
            catalogs.render(
                "operation.readiness.need" if row.asked else "operation.readiness.nobody_asked",
                language,
                need=option_title(catalogs, row.need_id, language),
                group=_group(catalogs, row.for_minors, language),
                held=row.held,
                taken=row.taken,
                wanted=row.wanted,
                missing=row.missing,
                silent=row.not_answering,
            )
        )
    if ready.interpreters:
        held = ", ".join(
            f"{option_title(catalogs, lang, language)}: {count}"
            for lang, count in ready.interpreters.items()
        )
        lines.append(catalogs.render("operation.readiness.interpreters", language, held=held))
    if plan.released_at is not None:  # the worker released them; before, they still hold
        lines.append(catalogs.lookup("operation.readiness.released", language).text)
    return "\n".join(lines)


def board_text(session: Session, plan: OperationPlan, language: str, *, now: datetime) -> str:
    catalogs = shipped_catalogs()
    rows = board(session, plan, now=now).rows
    lines = [catalogs.render("operation.board.title", language, code=plan.code, count=len(rows))]
    if not rows:
        lines.append(catalogs.lookup("operation.board.empty", language).text)
    for row in rows:
        needs = "; ".join(
            f"{option_title(catalogs, item.need_id, language)}: "
            + _status(catalogs, item.status, language)
            for item in row.needs
        )
        child = (
            catalogs.lookup("operation.board.child", language).text if row.presumed_child else ""
        )
        lines.append(
            catalogs.render(
                "operation.board.row",
                language,
                case_reference=row.reference,
                child=child,
                needs=needs or catalogs.lookup("operation.board.no_needs", language).text,
            )
        )
    return "\n".join(lines)


def _status(catalogs: Catalogs, status: str, language: str) -> str:
    if status == NO_REFERRAL:
        return catalogs.lookup("operation.board.no_referral", language).text
    return catalogs.lookup(f"referral.status.{status}", language).text


def triage_text(case: Case, language: str) -> str:
    catalogs = shipped_catalogs()
    triage = triage_of(case)
    language_code = triage.language or "does_not_know"
    return catalogs.render(
        "operation.triaged",
        language,
        case_reference=case.reference,
        urgent=option_title(catalogs, triage.urgent_medical or "does_not_know", language),
        child=option_title(catalogs, YES if triage.presumed_child else NO, language),
        person_language=option_title(catalogs, language_code, language),
    )
