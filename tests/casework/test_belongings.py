"""Belongings the police hold: one receipt per handing-over, kinds as codes, returned once, and
deleted with the case."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.belongings import (
    KINDS,
    AlreadyReturned,
    NoReceipt,
    draft_kinds,
    held,
    mark_returned,
    normalize_code,
    record,
    record_draft,
    toggle_draft,
)
from casework.cases import open_case
from casework.erasure import ErasureReason, erase_case
from casework.models import BelongingsReceipt, Case
from casework.references import InvalidReference, normalize_reference
from casework.referral_models import AuditEntry
from casework.referrals import is_code
from casework.transcripts import TranscriptStore
from passage.config import Settings
from tests.casework.account_builders import account
from tests.casework.referral_builders import NOW
from tests.casework.retention_builders import tracker_db

OFFICER = "officer.belongings"


def _case(session: Session) -> Case:
    case = open_case(session, channel="rest", now=NOW, officer=account(session, OFFICER))
    session.flush()
    return case


def _receipts(session: Session, case: Case) -> list[BelongingsReceipt]:
    query = select(BelongingsReceipt).where(BelongingsReceipt.case_id == case.id)
    return list(session.scalars(query))


def test_a_receipt_has_a_code_of_its_own_the_kinds_and_when_they_were_taken(
    session: Session,
) -> None:
    case = _case(session)

    receipt = record(session, case, ["money", "phone", "phone"], actor=OFFICER, now=NOW)
    session.commit()

    assert receipt.code is not None and receipt.code.startswith("B-")
    assert normalize_code(receipt.code.lower().replace("-", " ")) == receipt.code
    assert not is_code(receipt.code)  # never taken for a referral code
    with pytest.raises(InvalidReference):  # nor for a case reference
        normalize_reference(receipt.code)
    assert (receipt.kinds, receipt.held_at, receipt.returned_at) == ("phone money", NOW, None)
    assert list(held(session, case)) == [receipt]
    (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.belongings"))
    assert (entry.outcome, entry.case_id, entry.actor) == ("recorded", case.id, OFFICER)
    assert entry.detail == f"receipt={receipt.code} kinds=phone money"


@pytest.mark.parametrize("kinds", [[], ["a red phone"], ["phone", "passport of Aigerim"]])
def test_no_kinds_or_an_unknown_kind_is_refused_and_nothing_is_recorded(
    session: Session, kinds: list[str]
) -> None:
    case = _case(session)

    with pytest.raises(ValueError):
        record(session, case, kinds, actor=OFFICER, now=NOW)

    assert _receipts(session, case) == []


def test_belongings_are_returned_once(session: Session) -> None:
    case = _case(session)
    receipt = record(session, case, ["identity_documents"], actor=OFFICER, now=NOW)
    assert receipt.code is not None
    later = NOW + timedelta(days=2)

    mark_returned(session, case, receipt.code, actor=OFFICER, now=later)

    assert receipt.returned_at == later
    assert list(held(session, case)) == []
    with pytest.raises(AlreadyReturned):
        mark_returned(session, case, receipt.code, actor=OFFICER, now=later + timedelta(hours=1))
    assert receipt.returned_at == later
    outcomes = session.scalars(
        select(AuditEntry.outcome).where(AuditEntry.action == "case.belongings")
    )
    assert list(outcomes) == ["recorded", "returned"]


def test_the_code_of_another_cases_receipt_is_refused(session: Session) -> None:
    case, other = _case(session), _case(session)
    receipt = record(session, other, ["money"], actor=OFFICER, now=NOW)
    assert receipt.code is not None

    with pytest.raises(NoReceipt):
        mark_returned(session, case, receipt.code, actor=OFFICER, now=NOW)
    with pytest.raises(NoReceipt):
        mark_returned(session, case, "B-ZZZZZZ", actor=OFFICER, now=NOW)

    assert receipt.returned_at is None


def test_the_chat_draft_toggles_kinds_and_becomes_one_receipt(session: Session) -> None:
    case = _case(session)

    assert toggle_draft(session, case, "money") == ("money",)
    assert toggle_draft(session, case, "phone") == ("phone", "money")
    assert toggle_draft(session, case, "money") == ("phone",)
    with pytest.raises(ValueError):
        toggle_draft(session, case, "wallet with photos")
    assert list(held(session, case)) == []  # a draft is not a receipt

    receipt = record_draft(session, case, actor=OFFICER, now=NOW)

    assert receipt.kinds == "phone" and draft_kinds(session, case) == ()
    assert _receipts(session, case) == [receipt]
    with pytest.raises(ValueError):  # nothing chosen: nothing recorded
        record_draft(session, case, actor=OFFICER, now=NOW)
    assert _receipts(session, case) == [receipt]


def test_erasure_deletes_the_receipts_with_the_case(session: Session, database: Settings) -> None:
    case = _case(session)
    officer = account(session, OFFICER)
    record(session, case, list(KINDS), actor=OFFICER, now=NOW)
    toggle_draft(session, case, "phone")
    session.commit()
    path: Path = tracker_db(database.resolved_tracker_db)
    store = TranscriptStore(path)
    try:
        erase_case(
            session,
            case,
            officer,
            ErasureReason.PERSON_REQUEST,
            store,
            base_url="https://passage.example.org",
            now=NOW,
        )
    finally:
        store.close()
    session.commit()

    assert _receipts(session, case) == []
