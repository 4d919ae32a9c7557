"""Belongings the police hold for the person, with a receipt code and a return step.

The police instructions for rescue operations ask to document all personal property taken and
to give receipts. Kinds are codes, never descriptions: "a red phone with a cracked screen"
could identify the person. Recording what the police took is the police's own duty, not the
person's data shared with anyone, so it needs no consent; it is part of the case and is
deleted with it (casework.case_rows).
"""

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.models import BelongingsReceipt, Case
from casework.references import ALPHABET

KINDS = ("identity_documents", "phone", "money", "bank_cards", "bags_clothing", "other")
# "B-" and six characters: neither a case reference (four characters, a dash, four more) nor
# a referral code (six characters, no dash), so none is ever taken for another.
PREFIX = "B-"
CODE_LENGTH = 6


class NoReceipt(LookupError):
    """This case has no recorded receipt with that code."""


class AlreadyReturned(ValueError):
    """The belongings of that receipt were recorded as returned before."""


def new_code() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """What people type ("b 7kq4mz", "B7KQ4MZ") in the canonical form; None if it cannot be a
    receipt code (it says nothing of whether one exists)."""
    compact = "".join(text.split()).upper().replace("-", "")
    letter, body = compact[:1], compact[1:]
    if letter != PREFIX[0] or len(body) != CODE_LENGTH or any(c not in ALPHABET for c in body):
        return None
    return PREFIX + body


def kinds_of(receipt: BelongingsReceipt) -> tuple[str, ...]:
    return tuple(receipt.kinds.split())


def _checked(kinds: Iterable[str]) -> tuple[str, ...]:
    chosen = set(kinds)
    unknown = chosen - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds of belongings: {sorted(unknown)}")
    if not chosen:
        raise ValueError("a receipt lists at least one kind of belongings")
    return tuple(k for k in KINDS if k in chosen)


def _unused_code(session: Session) -> str:
    while True:
        code = new_code()
        if (
            session.scalar(select(BelongingsReceipt.id).where(BelongingsReceipt.code == code))
            is None
        ):
            return code


def record(
    session: Session, case: Case, kinds: Iterable[str], *, actor: str, now: datetime
) -> BelongingsReceipt:
    """One receipt for one handing-over. Raises ValueError for no kinds or an unknown kind."""
    checked = _checked(kinds)
    receipt = BelongingsReceipt(
        case_id=case.id, code=_unused_code(session), kinds=" ".join(checked), held_at=now
    )
    session.add(receipt)
    _audit(session, case, actor, "recorded", receipt, now)
    return receipt


def mark_returned(
    session: Session, case: Case, code: str, *, actor: str, now: datetime
) -> BelongingsReceipt:
    """Raises NoReceipt (not of this case, or no such code) or AlreadyReturned."""
    receipt = session.scalars(
        select(BelongingsReceipt).where(
            BelongingsReceipt.case_id == case.id,
            BelongingsReceipt.code == code,
            BelongingsReceipt.held_at.is_not(None),
        )
    ).one_or_none()
    if receipt is None:
        raise NoReceipt(code)
    if receipt.returned_at is not None:
        raise AlreadyReturned(code)
    receipt.returned_at = now
    _audit(session, case, actor, "returned", receipt, now)
    return receipt


def held(session: Session, case: Case) -> Sequence[BelongingsReceipt]:
    """The receipts of belongings still held, oldest first."""
    return session.scalars(
        select(BelongingsReceipt)
        .where(
            BelongingsReceipt.case_id == case.id,
            BelongingsReceipt.held_at.is_not(None),
            BelongingsReceipt.returned_at.is_(None),
        )
        .order_by(BelongingsReceipt.id)
    ).all()


# The chat chooses the kinds one tap at a time: the draft is a row without code or held_at,
# one per case, so that nothing of it sits in the chat's slots.


def _draft(session: Session, case: Case) -> BelongingsReceipt | None:
    return session.scalars(
        select(BelongingsReceipt).where(
            BelongingsReceipt.case_id == case.id, BelongingsReceipt.held_at.is_(None)
        )
    ).first()


def draft_kinds(session: Session, case: Case) -> tuple[str, ...]:
    draft = _draft(session, case)
    return kinds_of(draft) if draft is not None else ()


def toggle_draft(session: Session, case: Case, kind: str) -> tuple[str, ...]:
    """Adds `kind` to the kinds being chosen, or takes it off; returns them. Raises ValueError
    for an unknown kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of belongings: {kind}")
    draft = _draft(session, case)
    if draft is None:
        draft = BelongingsReceipt(case_id=case.id, kinds="")
        session.add(draft)
    chosen = set(kinds_of(draft)) ^ {kind}
    draft.kinds = " ".join(k for k in KINDS if k in chosen)
    return kinds_of(draft)


def record_draft(session: Session, case: Case, *, actor: str, now: datetime) -> BelongingsReceipt:
    """The kinds chosen become a receipt. Raises ValueError when none was chosen (the draft,
    if any, stays)."""
    kinds = draft_kinds(session, case)
    receipt = record(session, case, kinds, actor=actor, now=now)
    draft = _draft(session, case)
    if draft is not None:
        session.delete(draft)
    return receipt


def _audit(
    session: Session,
    case: Case,
    actor: str,
    outcome: str,
    receipt: BelongingsReceipt,
    now: datetime,
) -> None:
    record_audit(
        session,
        actor=actor,
        action="case.belongings",
        outcome=outcome,
        now=now,
        case_id=case.id,
        detail=f"receipt={receipt.code} kinds={receipt.kinds}",
        purpose="casework",
    )
