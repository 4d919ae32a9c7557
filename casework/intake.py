"""The intake interview: which question comes next, what an answer does, going back.

All state is in the database, so a case resumed days later, on another device or after a
restart of every server, continues at the first question not yet answered.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.area_answers import not_an_area
from casework.assessment import (
    Answer,
    applicable_needs,
    mark_urgent,
    needed,
    record_level,
    record_urgent_medical_need,
)
from casework.case_status import CaseStatus, pause
from casework.child_protection import add_child_protection_need
from casework.consent import (
    Consenter,
    ConsentRefused,
    ConsentScript,
    Decision,
    Delivery,
    RepresentativeRole,
    Scope,
    consented_categories,
    current_decision,
    has_consent,
    record_decision,
)
from casework.consent_categories import CONSENT_CATEGORIES
from casework.intake_questions import DECLINED, NO, QUESTIONS, UNKNOWN, YES, Kind, Question, Stage
from casework.models import Case, IntakeAnswer
from casework.operation_triage import end_triage_if_done
from casework.reflection import in_reflection_period
from casework.risk import RISK_CODES, SAFETY_NEED, Occasion, recheck_due, record_risk
from translations.catalog import shipped_catalogs

CONSENT_SCRIPT_ID = "consent.script"
CONSENT_SCRIPT_VERSION = "1"
AREA_MAX_CHARS = 64
_PROFILE = {
    "person_language", "appears_under_18",
    "guardian_may_be_involved", "gender", "has_children", "area", "exploitation_form",
}  # fmt: skip
# Identifying answers dropped when a case ends as information only (principle 3).
_IDENTIFYING = ("gender", "has_children", "area", "exploitation_form")


class Outcome(StrEnum):
    NEXT = "next"
    INVALID = "invalid"
    PAUSED_FOR_MEDICAL = "paused_for_medical"
    # Someone who may be involved is there, or the space is not private: separate the person
    # first. Nothing of the setting is recorded, so the question comes again on resuming.
    PAUSED_FOR_SAFETY = "paused_for_safety"
    # The area answer looked like a street address, a phone number or an e-mail: refused, not
    # kept, asked again.
    NOT_AN_AREA = "not_an_area"
    # The person's language has no consent text here and no interpreter is there: consent
    # cannot be informed, so the case waits for an interpreter.
    NEED_INTERPRETER = "need_interpreter"
    NEED_REPRESENTATIVE = "need_representative"
    EXPLAIN_AGAIN = "explain_again"
    INFORMATION_ONLY = "information_only"
    # A case under a rescue operation paused after its quick triage (casework.operation_triage).
    TRIAGED = "triaged"
    # The answer names another question than the one open now: a tap repeated after a lost
    # reply, or an old button. Nothing is recorded.
    STALE = "stale"


@dataclass(frozen=True)
class Step:
    question: Question
    options: list[str]


def _answers(session: Session, case: Case) -> dict[str, IntakeAnswer]:
    rows = session.scalars(select(IntakeAnswer).where(IntakeAnswer.case_id == case.id))
    return {row.question_id: row for row in rows}


def _final_value(answers: dict[str, IntakeAnswer], question_id: str) -> str | None:
    row = answers.get(question_id)
    return row.value if row is not None and row.final else None


def options_for(session: Session, case: Case, question: Question) -> list[str]:
    if question.level is not None:
        return applicable_needs(case, question.level)
    if question.id == "urgency":
        return [row.need_id for row in needed(session, case)] + list(RISK_CODES)
    if question.id == "person_language":
        return [*shipped_catalogs().person_languages, "other"]
    if question.id == "representative" and case.guardian_may_be_involved != "no":
        return [o for o in question.options if o != "guardian"]  # never ask that guardian
    if question.id == "consent_delivery" and case.interpreter_present != YES:
        # Through an interpreter only when one was said to be there.
        return [o for o in question.options if o != "interpreter"]
    return list(question.options)


def _applies(
    session: Session, case: Case, question: Question, answers: dict[str, IntakeAnswer]
) -> bool:
    if not question.applies(case):
        return False
    if question.id == "risk_recheck":
        return recheck_due(session, case)
    return True


def next_step(session: Session, case: Case, *, now: datetime) -> Step | None:
    """The next question to ask, or None when the interview is over."""
    if case.status != CaseStatus.OPEN:
        return None
    answers = _answers(session, case)
    for question in QUESTIONS:
        if question.stage is Stage.ASSESSMENT and not has_consent(
            session, case, Scope.ASSESSMENT, now=now
        ):
            return None
        if _final_value(answers, question.id) is None and _applies(
            session, case, question, answers
        ):
            options = options_for(session, case, question)
            if in_reflection_period(case, now=now):
                # The person is not asked again while they reflect (casework.reflection).
                options = [o for o in options if o != Scope.LAW_ENFORCEMENT.value]
            return Step(question, options)
    return None


def consent_script(case: Case) -> ConsentScript:
    catalogs = shipped_catalogs()
    language = case.person_language if case.person_language in catalogs.person_languages else "en"
    text = catalogs.lookup(CONSENT_SCRIPT_ID, language)
    return ConsentScript(CONSENT_SCRIPT_ID, CONSENT_SCRIPT_VERSION, text.language, text.text)


def _save(
    session: Session, case: Case, question_id: str, value: str, *, final: bool, now: datetime
) -> None:
    row = _answers(session, case).get(question_id)
    if row is None:
        row = IntakeAnswer(case_id=case.id, question_id=question_id)
        session.add(row)
    row.value, row.final, row.answered_at = value, final, now


def step_token(case: Case, step: Step) -> str:
    """What a button or a typed answer names: the question, of this case (an old button of
    another case must not answer the same question of this one)."""
    return f"{case.reference}/{step.question.id}"


def answers_step(case: Case, step: Step, for_question: str | None) -> bool:
    """Whether an answer given to `for_question` may answer this step. Buttons and numbered
    answers name the question they were shown with; an answer that names none (typed on a
    channel that cannot say) answers the open question."""
    return for_question in (None, step_token(case, step), step.question.id)


def toggle(
    session: Session,
    case: Case,
    step: Step,
    option: str,
    *,
    now: datetime,
    for_question: str | None = None,
) -> set[str] | None:
    """Add or remove one option of a multiple-choice question; returns the selection so far,
    or None (nothing changed) when the tap was for another question."""
    if not answers_step(case, step, for_question):
        return None
    if option not in step.options:
        raise ValueError("not an option of this question")
    chosen = draft(session, case, step.question)
    chosen ^= {option}
    _save(session, case, step.question.id, " ".join(sorted(chosen)), final=False, now=now)
    return chosen


def draft(session: Session, case: Case, question: Question) -> set[str]:
    row = _answers(session, case).get(question.id)
    return set(row.value.split()) if row is not None and row.value else set()


def answer(
    session: Session,
    case: Case,
    step: Step,
    values: list[str],
    *,
    now: datetime,
    for_question: str | None = None,
) -> Outcome:
    """Apply the answer to the current step and record it; INVALID and STALE change nothing."""
    if not answers_step(case, step, for_question):
        return Outcome.STALE
    question = step.question
    if question.kind is Kind.TEXT and not (len(values) == 1 and values[0] in step.options):
        text = " ".join(" ".join(values).split())
        if not text or len(text) > AREA_MAX_CHARS:
            return Outcome.INVALID
        if not_an_area(text) is not None:
            return Outcome.NOT_AN_AREA
        values = [text]
    else:
        whole = question.level is not None and values in ([UNKNOWN], [DECLINED])
        if not whole and (
            not set(values) <= set(step.options) or (question.kind is Kind.ONE and len(values) != 1)
        ):
            return Outcome.INVALID
    try:
        outcome = _apply(session, case, question, values, now=now)
    except ConsentRefused:
        # The answers so far do not allow this consent (say, the guardian named as representative
        # was later said to be possibly involved): nothing is recorded, the officer answers again.
        return Outcome.INVALID
    if not question.kept:
        _forget(session, case, question.id)
    elif outcome in (Outcome.NEXT, Outcome.PAUSED_FOR_MEDICAL, Outcome.INFORMATION_ONLY):
        _save(session, case, question.id, " ".join(values), final=True, now=now)
    if outcome is Outcome.NEXT and summary_due(session, case, now=now):
        add_child_protection_need(session, case, now=now)
    if outcome is Outcome.NEXT:
        following = next_step(session, case, now=now)
        following_id = following.question.id if following is not None else None
        if end_triage_if_done(case, question.id, following_id, now=now):
            return Outcome.TRIAGED
    return outcome


def _apply(
    session: Session, case: Case, question: Question, values: list[str], *, now: datetime
) -> Outcome:
    value = values[0] if values else ""
    if question.id == "urgent_medical":
        if value == YES:
            record_urgent_medical_need(session, case, now=now)
            pause(case)
            return Outcome.PAUSED_FOR_MEDICAL
        case.urgent_medical = value
    elif question.id == "present":
        if not safe_setting(values):
            pause(case)
            # The ticks so far go too: on resuming the officer says afresh who is there.
            draft_row = _answers(session, case).get(question.id)
            if draft_row is not None:
                session.delete(draft_row)
            return Outcome.PAUSED_FOR_SAFETY
        case.private_space = YES if "private_space" in values else NO
        case.interpreter_present = YES if "interpreter_here" in values else NO
    elif question.id == "person_language" and needs_interpreter(value, case.interpreter_present):
        # Kept on the case for the interpreters proposed now; the answer itself stays open.
        case.person_language = value
        pause(case)
        # Resuming asks who is there again, so the officer can say the interpreter came.
        present = _answers(session, case).get("present")
        if present is not None:
            session.delete(present)
        return Outcome.NEED_INTERPRETER
    elif question.id in _PROFILE:
        setattr(case, question.id, value)
    elif question.id == "representative" and value == "none":
        pause(case)
        return Outcome.NEED_REPRESENTATIVE
    elif question.id == "consent_delivery" and value == "not_yet":
        return Outcome.EXPLAIN_AGAIN
    elif question.id == "consent_decisions":
        return _record_consent(session, case, set(values), now=now)
    elif question.level is not None:
        whole = Answer(value) if values in ([UNKNOWN], [DECLINED]) else None
        chosen = [] if whole is not None else values
        record_level(session, case, question.level, selected=chosen, whole_level=whole, now=now)
    elif question.id == "urgency":
        risks = [v for v in values if v in RISK_CODES]
        record_risk(session, case, risks, Occasion.INTAKE, now=now)
        urgent = [v for v in values if v not in RISK_CODES] + ([SAFETY_NEED] if risks else [])
        mark_urgent(session, case, urgent, now=now)
    elif question.id == "risk_recheck":
        record_risk(session, case, values, Occasion.RESUMED, now=now)
    return Outcome.NEXT


def _forget(session: Session, case: Case, question_id: str) -> None:
    row = _answers(session, case).get(question_id)
    if row is not None:
        session.delete(row)


def _record_consent(session: Session, case: Case, granted: set[str], *, now: datetime) -> Outcome:
    answers = _answers(session, case)
    representative = _final_value(answers, "representative")
    assent = _final_value(answers, "child_assent")
    if case.presumed_child and assent != YES:
        granted = set()  # without the child's own assent nothing is given
    # `referrals` is every kind of service; without it, the kinds ticked (if any) are agreed to.
    kinds = set() if Scope.REFERRALS.value in granted else granted & set(CONSENT_CATEGORIES)
    if kinds:
        granted.add(Scope.REFERRALS.value)
    for scope in Scope:
        if scope is Scope.LAW_ENFORCEMENT and in_reflection_period(case, now=now):
            continue  # not asked while the person reflects: the earlier decision stands
        decision = Decision(
            scope=scope,
            granted=scope.value in granted,
            categories=frozenset(kinds) if scope is Scope.REFERRALS and kinds else None,
            delivery=Delivery(
                _final_value(answers, "consent_delivery") or Delivery.READ_BY_OFFICER
            ),
            consenter=Consenter.REPRESENTATIVE if case.presumed_child else Consenter.PERSON,
            # consent_delivery is final only with an answer that includes comprehension
            comprehension_confirmed=_final_value(answers, "consent_delivery") is not None,
            representative_role=RepresentativeRole(representative)
            if case.presumed_child and representative
            else None,
            child_assent=(assent == YES) if case.presumed_child else None,
        )
        record_decision(session, case, decision, consent_script(case), now=now)
    if Scope.ASSESSMENT.value not in granted:
        close_information_only(case)
        return Outcome.INFORMATION_ONLY
    return Outcome.NEXT


def reopen_consent(session: Session, case: Case, *, now: datetime) -> bool:
    """The person changes a decision: the consent question of an open case is asked again,
    with the decisions that stand now ticked. False when there is none to ask again."""
    if case.status != CaseStatus.OPEN:
        return False
    row = _answers(session, case).get("consent_decisions")
    if row is None or not row.final:
        return False
    # The police question is not offered during a reflection period: nothing to tick there.
    asked = (Scope.ASSESSMENT,) if in_reflection_period(case, now=now) else tuple(Scope)
    standing = [s.value for s in asked if s is not Scope.REFERRALS]
    ticked = [code for code in standing if has_consent(session, case, Scope(code), now=now)]
    referrals = current_decision(session, case, Scope.REFERRALS, now=now)
    if referrals is not None and referrals.granted and referrals.categories is None:
        ticked.append(Scope.REFERRALS.value)
    else:
        ticked += sorted(consented_categories(session, case, now=now))
    _save(session, case, "consent_decisions", " ".join(sorted(ticked)), final=False, now=now)
    return True


def needs_interpreter(person_language: str, interpreter_present: str | None) -> bool:
    """Consent is informed only in words the person understands: without a consent text in
    their language that a native reviewer approved (an unreviewed machine translation may say
    something else), an interpreter must be there."""
    if interpreter_present == YES:
        return False
    catalogs = shipped_catalogs()
    if person_language not in catalogs.person_languages:
        return True
    return not catalogs.lookup(CONSENT_SCRIPT_ID, person_language).reviewed


def rights_handout_due(step: Step, outcome: Outcome) -> bool:
    """Every person leaves with the handout of their rights and the help number: when they
    have made their consent decisions, and when they want information only."""
    if outcome is Outcome.INFORMATION_ONLY:
        return True
    return step.question.id == "consent_decisions" and outcome is Outcome.NEXT


def safe_setting(present: list[str]) -> bool:
    """The SOP's Annex A: the interview happens in a closed, private space, and never in front
    of someone who may be involved in the exploitation."""
    return "private_space" in present and "possible_exploiter" not in present


def summary_due(session: Session, case: Case, *, now: datetime) -> bool:
    """The assessment of an open case is complete: its summary (and proposals) come next."""
    return case.status == CaseStatus.OPEN and next_step(session, case, now=now) is None


def close_information_only(case: Case) -> None:
    for field in _IDENTIFYING:
        setattr(case, field, None)
    case.status = CaseStatus.INFORMATION_ONLY


def back(session: Session, case: Case) -> str | None:
    """Forget the latest answer of an open case, so its question is asked again; returns its
    id, or None when there is nothing to go back to."""
    if case.status != CaseStatus.OPEN:
        return None
    rows = sorted(_answers(session, case).values(), key=lambda r: (r.answered_at, r.id))
    if not rows:
        return None
    latest = rows[-1]
    session.delete(latest)
    return latest.question_id
