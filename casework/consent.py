"""Informed consent: receipts, the rules for who may consent, and the gate other code calls.

A scope is one separate decision. Consent to share with law enforcement is its own scope and
no other rule ever looks at it: help never depends on it.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.case_status import CaseStatus
from casework.consent_categories import loaded, stored
from casework.models import Case, ConsentReceipt
from casework.reflection import in_reflection_period

DEFAULT_VALIDITY = timedelta(days=90)


class Scope(StrEnum):
    ASSESSMENT = "assessment"
    REFERRALS = "referrals"
    LAW_ENFORCEMENT = "law_enforcement"


class Delivery(StrEnum):
    READ_BY_OFFICER = "read_by_officer"
    SHOWN_ON_SCREEN = "shown_on_screen"
    INTERPRETER = "interpreter"


class Consenter(StrEnum):
    PERSON = "person"
    REPRESENTATIVE = "representative"


class RepresentativeRole(StrEnum):
    SOCIAL_WORKER = "social_worker"
    NGO = "ngo"
    GUARDIAN = "guardian"


class ConsentRefused(ValueError):
    """A consent decision that the rules do not allow to be recorded as given."""


class ConsentRequired(PermissionError):
    """An action needs a consent the case does not hold. The message names only the scope."""

    def __init__(self, scope: Scope) -> None:
        super().__init__(f"no valid consent for {scope.value}")
        self.scope = scope


class CategoryNotConsented(ConsentRequired):
    """Referrals are agreed to, but not to the kinds of service this need is referred to."""

    def __init__(self, categories: tuple[str, ...]) -> None:
        super().__init__(Scope.REFERRALS)
        self.categories = categories


@dataclass(frozen=True)
class ConsentScript:
    """The words the decision was taken on: which script, which version, which exact text."""

    script_id: str
    version: str
    language: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Decision:
    scope: Scope
    granted: bool
    delivery: Delivery
    consenter: Consenter
    comprehension_confirmed: bool
    representative_role: RepresentativeRole | None = None
    child_assent: bool | None = None
    # Referrals only: the kinds of service agreed to (casework.consent_categories); None is
    # every kind, the answer `referrals`.
    categories: frozenset[str] | None = None


def _check(case: Case, decision: Decision) -> None:
    if case.presumed_child:
        if (
            decision.consenter is not Consenter.REPRESENTATIVE
            or decision.representative_role is None
        ):
            raise ConsentRefused("a presumed child consents through a best-interest representative")
        if (
            decision.representative_role is RepresentativeRole.GUARDIAN
            and case.guardian_may_be_involved != "no"
        ):
            raise ConsentRefused(
                "a guardian who may be involved in the exploitation cannot consent"
            )
        if decision.granted and decision.child_assent is not True:
            raise ConsentRefused("the child's own assent is needed as well")
    if decision.granted and not decision.comprehension_confirmed:
        raise ConsentRefused("consent counts only when the person could say back what it means")


def record_decision(
    session: Session,
    case: Case,
    decision: Decision,
    script: ConsentScript,
    *,
    now: datetime,
    valid_for: timedelta = DEFAULT_VALIDITY,
) -> ConsentReceipt:
    """Store a receipt for one decision; raises ConsentRefused if the rules forbid it."""
    _check(case, decision)
    if (
        decision.granted
        and decision.scope is Scope.LAW_ENFORCEMENT
        and in_reflection_period(case, now=now)
    ):
        # The person is not pressed to cooperate while they reflect (casework.reflection).
        raise ConsentRefused("no consent to sharing with the police during a reflection period")
    receipt = ConsentReceipt(
        case_id=case.id,
        scope=decision.scope.value,
        granted=decision.granted,
        script_id=script.script_id,
        script_version=script.version,
        text_sha256=script.sha256,
        language=script.language,
        delivery=decision.delivery.value,
        consenter=decision.consenter.value,
        representative_role=(
            decision.representative_role.value if decision.representative_role else None
        ),
        child_assent=decision.child_assent,
        comprehension_confirmed=decision.comprehension_confirmed,
        categories=stored(decision.categories) if decision.scope is Scope.REFERRALS else None,
        recorded_at=now,
        expires_at=now + valid_for,
    )
    session.add(receipt)
    session.flush()
    detail = f"receipt={receipt.id} delivery={decision.delivery.value}"
    if receipt.categories is not None:
        detail += f" categories={receipt.categories.replace(' ', ',')}"
    record_audit(
        session,
        actor=decision.consenter.value,
        action=f"consent.{decision.scope.value}",
        outcome="granted" if decision.granted else "refused",
        now=now,
        case_id=case.id,
        detail=detail,
        purpose="casework",
    )
    return receipt


def current_decision(
    session: Session, case: Case, scope: Scope, *, now: datetime
) -> ConsentReceipt | None:
    """The latest unwithdrawn, unexpired decision on `scope`, granted or not."""
    return session.scalars(
        select(ConsentReceipt)
        .where(
            ConsentReceipt.case_id == case.id,
            ConsentReceipt.scope == scope.value,
            ConsentReceipt.withdrawn_at.is_(None),
            ConsentReceipt.expires_at > now,
        )
        .order_by(ConsentReceipt.recorded_at.desc(), ConsentReceipt.id.desc())
        .limit(1)
    ).first()


def has_consent(session: Session, case: Case, scope: Scope, *, now: datetime) -> bool:
    receipt = current_decision(session, case, scope, now=now)
    return receipt is not None and receipt.granted


def may_refer(session: Session, case: Case, *, now: datetime) -> bool:
    """Consent to referrals holds, and for a presumed child it came from a representative.

    record_decision allows no other receipt for a child, but a case can become a presumed
    child after the person consented; the gate does not rely on how receipts were written.
    """
    receipt = current_decision(session, case, Scope.REFERRALS, now=now)
    if receipt is None or not receipt.granted:
        return False
    return not case.presumed_child or receipt.consenter == Consenter.REPRESENTATIVE.value


def consented_categories(session: Session, case: Case, *, now: datetime) -> frozenset[str]:
    """The kinds of service the case may be referred to: none without consent to referrals."""
    if not may_refer(session, case, now=now):
        return frozenset()
    receipt = current_decision(session, case, Scope.REFERRALS, now=now)
    assert receipt is not None  # may_refer holds
    return loaded(receipt.categories)


def may_refer_to(session: Session, case: Case, categories: Iterable[str], *, now: datetime) -> bool:
    """A referral in one of `categories` (top-level) holds consent. A need of several kinds
    passes when any one of them is agreed to; the provider chosen for it must then offer an
    agreed kind (casework.proposals proposes no other)."""
    return not consented_categories(session, case, now=now).isdisjoint(categories)


def decline_category(
    session: Session, case: Case, category: str, *, now: datetime
) -> ConsentReceipt | None:
    """The person declines one kind of service: a new referrals receipt without it, so that
    nothing of that kind is sent again until the person decides otherwise. Every other
    decision stands. Returns the new receipt, or None when that kind was not agreed to.

    The new receipt repeats how the standing one was given (script, delivery, consenter) and
    ends when it would have: declining is not a new consent."""
    standing = current_decision(session, case, Scope.REFERRALS, now=now)
    agreed = consented_categories(session, case, now=now)
    if standing is None or category not in agreed:
        return None
    remaining = agreed - {category}
    receipt = ConsentReceipt(
        case_id=case.id,
        scope=Scope.REFERRALS.value,
        granted=bool(remaining),
        script_id=standing.script_id,
        script_version=standing.script_version,
        text_sha256=standing.text_sha256,
        language=standing.language,
        delivery=standing.delivery,
        consenter=standing.consenter,
        representative_role=standing.representative_role,
        child_assent=standing.child_assent,
        comprehension_confirmed=standing.comprehension_confirmed,
        categories=stored(remaining),
        recorded_at=now,
        expires_at=standing.expires_at,
    )
    session.add(receipt)
    session.flush()
    record_audit(
        session,
        actor=standing.consenter,
        action=f"consent.{Scope.REFERRALS.value}",
        outcome="declined",
        now=now,
        case_id=case.id,
        detail=f"receipt={receipt.id} declined={category}",
        purpose="casework",
    )
    return receipt


def require_consent(session: Session, case: Case, scope: Scope, *, now: datetime) -> None:
    if not has_consent(session, case, scope, now=now):
        raise ConsentRequired(scope)


def withdraw_all(session: Session, case: Case, *, now: datetime) -> int:
    """The person withdraws: every standing consent ends now and the case stops."""
    receipts = session.scalars(
        select(ConsentReceipt).where(
            ConsentReceipt.case_id == case.id, ConsentReceipt.withdrawn_at.is_(None)
        )
    ).all()
    for receipt in receipts:
        receipt.withdrawn_at = now
    case.status = CaseStatus.WITHDRAWN
    record_audit(
        session,
        actor="person",
        action="consent.withdraw",
        outcome="withdrawn",
        now=now,
        case_id=case.id,
        detail=f"receipts={len(receipts)}",
        purpose="casework",
    )
    return len(receipts)
