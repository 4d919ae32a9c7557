"""Erasure on request: what goes, what the provider is told, who may ask."""

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.erasure import ErasureReason, ErasureRefused, erase_case
from casework.legal_hold import HoldReason, place_legal_hold
from casework.models import (
    AssessedNeed,
    Case,
    ConsentReceipt,
    IntakeAnswer,
    ProviderChoice,
)
from casework.referral_models import AuditEntry, CaseFlag, OutboxMessage, Referral, ReferralEvent
from casework.transcripts import TranscriptStore
from passage.config import Settings
from tests.casework.retention_builders import (
    NOW,
    PARTNER_URL,
    PROVIDER_NUMBER,
    account,
    add_conversation,
    count,
    full_case,
    senders,
    tracker_db,
)
from translations.catalog import shipped_catalogs

BASE_URL = "https://passage.example.org"
# What the case holds about the person, in the builders' rows; none may reach a provider.
PERSON_FACTS = ("bus depot", "Aigerim", "female", "uz", "adult", "взросл", "shelter", "приют")


@pytest.fixture
def tracker(database: Settings) -> Path:
    return tracker_db(database.resolved_tracker_db)


@pytest.fixture
def store(tracker: Path) -> Iterator[TranscriptStore]:
    transcripts = TranscriptStore(tracker)
    yield transcripts
    transcripts.close()


def _messages(session: Session, referral: Referral) -> list[OutboxMessage]:
    return list(
        session.scalars(select(OutboxMessage).where(OutboxMessage.referral_id == referral.id))
    )


def _referral(session: Session, case: Case) -> Referral:
    return session.scalars(select(Referral).where(Referral.case_id == case.id)).one()


def test_erasure_removes_what_identifies_the_person_and_keeps_the_case_row(
    session: Session, tracker: Path, store: TranscriptStore
) -> None:
    officer = account(session, "officer", "officer")
    case = full_case(session, "KX7P-2M9Q", officer=officer, conversation="officer-chat")
    add_conversation(tracker, "officer-chat", NOW - timedelta(minutes=3))
    add_conversation(tracker, "case-chat", NOW - timedelta(minutes=3), "KX7P-2M9Q")
    add_conversation(tracker, "someone-else", NOW - timedelta(minutes=3), "ZZZZ-2222")

    report = erase_case(
        session, case, officer, ErasureReason.PERSON_REQUEST, store, base_url=BASE_URL, now=NOW
    )
    session.commit()

    for table in (IntakeAnswer, AssessedNeed, ProviderChoice, CaseFlag):
        assert count(session, table, case.id) == 0, table.__name__
    assert senders(tracker) == {"someone-else"}
    assert report.transcripts_deleted == 2
    stored = session.get(Case, case.id)
    assert stored is not None and stored.status == "erased" and stored.reference == "KX7P-2M9Q"
    assert (stored.person_language, stored.area, stored.gender, stored.appears_under_18) == (
        None,
        None,
        None,
        None,
    )
    receipts = session.scalars(select(ConsentReceipt).where(ConsentReceipt.case_id == case.id))
    assert [receipt.withdrawn_at for receipt in receipts] == [NOW]
    (entry,) = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "case.erase", AuditEntry.case_id == case.id)
    )
    assert (entry.actor, entry.outcome, entry.detail, entry.purpose, entry.source) == (
        "officer",
        "done",
        "person_request",
        "erasure",
        "cli",
    )


def test_an_open_sms_referral_is_withdrawn_and_the_provider_told_in_their_language(
    session: Session, store: TranscriptStore
) -> None:
    officer = account(session, "officer", "officer")
    case = full_case(session, "KX7P-2M9Q", officer=officer, provider_language="ru")
    referral = _referral(session, case)

    erase_case(
        session, case, officer, ErasureReason.PERSON_REQUEST, store, base_url=BASE_URL, now=NOW
    )

    assert (referral.status, referral.status_reason) == ("cancelled", "person_declined")
    assert referral.link_token_sha256 is None
    event = session.scalars(
        select(ReferralEvent)
        .where(ReferralEvent.referral_id == referral.id)
        .order_by(ReferralEvent.id.desc())
    ).first()
    assert event is not None and (event.from_status, event.to_status) == ("requested", "cancelled")
    # The original referral SMS was never sent: it is dropped, not sent after the erasure.
    (message,) = _messages(session, referral)
    assert (message.kind, message.recipient, message.state) == ("sms", PROVIDER_NUMBER, "pending")
    assert message.body == shipped_catalogs().render("sms.erased", "ru", code=referral.code)
    assert message.body.startswith("Направление ") and referral.code in message.body
    assert not any(fact in message.body for fact in PERSON_FACTS)


def test_an_api_partner_gets_the_task_cancelled_with_the_notice_and_no_case_facts(
    session: Session, store: TranscriptStore
) -> None:
    officer = account(session, "officer", "officer")
    case = full_case(
        session,
        "KX7P-2M9Q",
        officer=officer,
        channel="api",
        provider_language="fr",
        referral_status="accepted",
    )
    referral = _referral(session, case)
    for message in _messages(session, referral):
        message.state = "sent"  # the referral itself reached the partner earlier

    erase_case(
        session, case, officer, ErasureReason.PERSON_REQUEST, store, base_url=BASE_URL, now=NOW
    )

    sent, notice = sorted(_messages(session, referral), key=lambda m: m.id)
    assert sent.body == ""  # the copy of what was sent ("1 adult, shelter") is gone
    assert (notice.kind, notice.recipient, notice.state) == ("api", PARTNER_URL, "pending")
    bundle = json.loads(notice.body)
    task = bundle["entry"][0]["resource"]
    assert task["status"] == "cancelled"
    assert task["identifier"][0]["value"] == referral.code
    expected = shipped_catalogs().render("sms.erased", "fr", code=referral.code)
    assert task["statusReason"]["text"] == expected
    assert "supprimez" in expected.lower()
    assert not any(fact in notice.body for fact in PERSON_FACTS)


def test_free_text_notes_of_closed_referrals_are_removed(
    session: Session, store: TranscriptStore
) -> None:
    officer = account(session, "officer", "officer")
    case = full_case(session, "KX7P-2M9Q", officer=officer, referral_status="rejected")
    referral = _referral(session, case)
    assert referral.status_text is not None
    for message in _messages(session, referral):
        message.state = "sent"

    report = erase_case(
        session, case, officer, ErasureReason.PERSON_REQUEST, store, base_url=BASE_URL, now=NOW
    )

    assert report.referrals_withdrawn == 0
    assert referral.status_text is None and referral.status == "rejected"
    assert [(m.state, m.body) for m in _messages(session, referral)] == [("sent", "")]


@pytest.mark.parametrize(
    ("role", "unit", "region", "allowed"),
    [
        ("officer", "unit-1", "north", False),  # another officer of the same unit
        ("caseworker", "unit-1", "north", True),
        ("caseworker", "unit-2", "north", False),
        ("coordinator", None, "north", True),
        ("coordinator", None, "south", False),
        ("intake", "unit-1", "north", False),
        ("admin", "unit-1", "north", False),
    ],
)
def test_who_may_ask_for_erasure(
    session: Session,
    store: TranscriptStore,
    role: str,
    unit: str | None,
    region: str | None,
    allowed: bool,
) -> None:
    owner = account(session, "owner", "officer")
    requester = account(session, "requester", role, unit=unit, region=region)
    case = full_case(session, "KX7P-2M9Q", officer=owner)

    if allowed:
        erase_case(
            session,
            case,
            requester,
            ErasureReason.PERSON_REQUEST,
            store,
            base_url=BASE_URL,
            now=NOW,
        )
        assert case.status == "erased"
        return
    with pytest.raises(ErasureRefused, match="only the case's officer"):
        erase_case(
            session,
            case,
            requester,
            ErasureReason.PERSON_REQUEST,
            store,
            base_url=BASE_URL,
            now=NOW,
        )
    assert case.status == "open" and count(session, IntakeAnswer, case.id) == 1
    (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.erase"))
    assert (entry.actor, entry.outcome) == ("requester", "refused")


def test_a_case_under_legal_hold_is_not_erased_and_held_transcripts_stay(
    session: Session, tracker: Path, store: TranscriptStore
) -> None:
    officer = account(session, "officer", "officer")
    coordinator = account(session, "coord", "coordinator")
    held = full_case(session, "HXGD-7777", officer=officer, conversation="shared-chat")
    place_legal_hold(session, held, coordinator, HoldReason.INVESTIGATION, NOW)
    case = full_case(session, "KX7P-2M9Q", officer=officer, conversation="shared-chat")
    add_conversation(tracker, "shared-chat", NOW)

    with pytest.raises(ErasureRefused, match="legal hold"):
        erase_case(
            session, held, officer, ErasureReason.PERSON_REQUEST, store, base_url=BASE_URL, now=NOW
        )
    report = erase_case(
        session, case, officer, ErasureReason.PERSON_REQUEST, store, base_url=BASE_URL, now=NOW
    )

    assert (report.transcripts_deleted, report.transcripts_held) == (0, 1)
    assert senders(tracker) == {"shared-chat"}
    assert held.status == "open" and count(session, IntakeAnswer, held.id) == 1


def test_an_erased_case_cannot_be_erased_again(session: Session, store: TranscriptStore) -> None:
    officer = account(session, "officer", "officer")
    case = full_case(session, "KX7P-2M9Q", officer=officer)
    erase_case(
        session, case, officer, ErasureReason.PERSON_REQUEST, store, base_url=BASE_URL, now=NOW
    )

    with pytest.raises(ErasureRefused, match="erased already"):
        erase_case(
            session, case, officer, ErasureReason.PERSON_REQUEST, store, base_url=BASE_URL, now=NOW
        )
