"""Retention against a real Rasa tracker database: what is purged, reduced, held, and when."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.closing import NotClosable, close_case
from casework.legal_hold import HoldReason, HoldRefused, place_legal_hold, release_legal_hold
from casework.models import (
    AssessedNeed,
    Case,
    CaseStatistic,
    CaseStatisticReferral,
    ConsentReceipt,
    IntakeAnswer,
    ProviderChoice,
)
from casework.referral_models import (
    AuditEntry,
    CaseFlag,
    OutboxMessage,
    Referral,
    ReferralEvent,
    ReferralNeed,
)
from casework.retention import RetentionPolicy, run_retention
from casework.retention_schedule import RETENTION, claim_due_run
from casework.transcripts import TranscriptStore
from passage.config import Settings, session_factory
from passage.runtime.policies import policies_from
from passage.runtime.worker import tick
from tests.casework.retention_builders import (
    NOW,
    account,
    add_conversation,
    count,
    full_case,
    senders,
    tracker_db,
)

POLICY = RetentionPolicy(
    transcript_idle=timedelta(hours=72), closed_case_period=timedelta(days=365)
)
CASE_TABLES = (IntakeAnswer, AssessedNeed, ProviderChoice, CaseFlag, ConsentReceipt, Referral)


@pytest.fixture
def tracker(database: Settings) -> Path:
    return tracker_db(database.resolved_tracker_db)


@pytest.fixture
def store(tracker: Path) -> Iterator[TranscriptStore]:
    transcripts = TranscriptStore(tracker)
    yield transcripts
    transcripts.close()


def _audit(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_defaults_are_72_hours_and_365_days(settings: Settings) -> None:
    assert policies_from(settings).retention == POLICY
    assert settings.retention_interval_hours == 24


def test_idle_transcripts_are_purged_and_recent_or_held_ones_kept(
    session: Session, tracker: Path, store: TranscriptStore
) -> None:
    coordinator = account(session, "coord", "coordinator")
    held = full_case(session, "HKDX-2222", conversation="officer-of-held-case")
    place_legal_hold(session, held, coordinator, HoldReason.INVESTIGATION, NOW)
    other = full_case(session, "FREE-3333", conversation="officer-of-free-case")
    add_conversation(tracker, "idle", NOW - timedelta(hours=73))
    add_conversation(tracker, "idle-on-a-free-case", NOW - timedelta(hours=100), other.reference)
    add_conversation(tracker, "recent", NOW - timedelta(hours=71))
    # Typed by the officer, so not in canonical form: still the held case.
    add_conversation(tracker, "names-the-held-case", NOW - timedelta(days=30), "hkdx 2222")
    add_conversation(tracker, "officer-of-held-case", NOW - timedelta(days=30))
    add_conversation(tracker, "busy", NOW - timedelta(days=10))
    add_conversation(tracker, "busy", NOW - timedelta(hours=1))

    report = run_retention(session, store, POLICY, now=NOW, source="worker")

    assert senders(tracker) == {"recent", "names-the-held-case", "officer-of-held-case", "busy"}
    assert (report.transcripts_purged, report.transcripts_held) == (2, 2)
    (run,) = _audit(session, "retention.run")
    assert (run.source, run.purpose, run.case_id) == ("worker", "retention", None)
    assert "transcripts=2" in run.detail


def test_a_missing_tracker_database_holds_nothing_to_purge(
    session: Session, tmp_path: Path
) -> None:
    report = run_retention(
        session, TranscriptStore(tmp_path / "absent.db"), POLICY, now=NOW, source="cli"
    )
    assert report.transcripts_purged == 0
    assert not (tmp_path / "absent.db").exists()


def test_closed_cases_past_the_period_become_statistics_and_their_rows_go(
    session: Session, store: TranscriptStore
) -> None:
    old = full_case(
        session,
        "ZZDC-4444",
        status="closed",
        closed_at=NOW - timedelta(days=366),
        referral_status="rejected",
    )
    old_id = old.id
    (referral_id,) = session.scalars(select(Referral.id).where(Referral.case_id == old_id))
    young = full_case(session, "YNGC-5555", status="closed", closed_at=NOW - timedelta(days=364))
    still_open = full_case(session, "QPEN-6666")
    before = session.scalar(select(func.count()).select_from(AuditEntry))

    report = run_retention(session, store, POLICY, now=NOW, source="worker")
    session.commit()

    assert report.cases_reduced == 1
    for table in CASE_TABLES:
        assert count(session, table, old_id) == 0, table.__name__
        assert count(session, table, young.id) == 1, table.__name__
        assert count(session, table, still_open.id) == 1, table.__name__
    for child in (ReferralEvent, ReferralNeed, OutboxMessage):
        column = child.__table__.c.referral_id
        query = select(func.count()).select_from(child).where(column == referral_id)
        assert session.scalar(query) == 0, child.__name__
    tombstone = session.get(Case, old_id)
    assert tombstone is not None and tombstone.status == "reduced"
    assert (tombstone.area, tombstone.gender, tombstone.exploitation_form) == (None, None, None)
    assert tombstone.officer_account_id is None and tombstone.opened_at.day == 1
    (statistic,) = session.scalars(select(CaseStatistic))
    opened = NOW - timedelta(days=400)
    assert (statistic.opened_month, statistic.closed_month) == (f"{opened:%Y-%m}", "2025-11")
    assert (statistic.exploitation_form, statistic.presumed_child) == ("labour", False)
    outcomes = session.execute(
        select(
            CaseStatisticReferral.category,
            CaseStatisticReferral.final_status,
            CaseStatisticReferral.count,
        )
    ).all()
    assert [tuple(row) for row in outcomes] == [("shelter", "rejected", 1)]
    assert set(CaseStatistic.__table__.c.keys()) == {
        "id",
        "opened_month",
        "closed_month",
        "exploitation_form",
        "presumed_child",
    }
    (reduced,) = _audit(session, "case.reduce")
    assert (reduced.case_id, reduced.source, reduced.purpose) == (old_id, "worker", "retention")
    # Audit entries are never deleted: the older ones keep their case id.
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == (before or 0) + 2


def test_a_held_case_is_neither_reduced_nor_are_its_rows_touched(
    session: Session, store: TranscriptStore
) -> None:
    coordinator = account(session, "coord", "coordinator")
    case = full_case(session, "HXGD-7777", status="closed", closed_at=NOW - timedelta(days=900))
    place_legal_hold(session, case, coordinator, HoldReason.COURT_ORDER, NOW)

    report = run_retention(session, store, POLICY, now=NOW, source="worker")

    assert (report.cases_reduced, report.cases_held) == (0, 1)
    assert case.status == "closed" and case.area == "Behind the old bus depot"
    for table in CASE_TABLES:
        assert count(session, table, case.id) == 1, table.__name__
    assert session.scalar(select(func.count()).select_from(CaseStatistic)) == 0


def test_a_dry_run_counts_and_changes_nothing(
    session: Session, tracker: Path, store: TranscriptStore
) -> None:
    case = full_case(session, "DRYR-8888", status="closed", closed_at=NOW - timedelta(days=366))
    add_conversation(tracker, "idle", NOW - timedelta(hours=73))

    report = run_retention(session, store, POLICY, now=NOW, source="cli", dry_run=True)

    assert (report.transcripts_purged, report.cases_reduced) == (1, 1)
    assert senders(tracker) == {"idle"}
    assert case.status == "closed" and count(session, IntakeAnswer, case.id) == 1
    assert _audit(session, "retention.run") == []


def test_close_case_starts_the_period_once(session: Session) -> None:
    case = full_case(session, "CASE-9999")

    close_case(session, case, actor="cli", now=NOW)

    assert (case.status, case.closed_at) == ("closed", NOW)
    assert [e.case_id for e in _audit(session, "case.close")] == [case.id]
    with pytest.raises(NotClosable, match="a closed case cannot be closed"):
        close_case(session, case, actor="cli", now=NOW)


def test_only_a_coordinator_of_the_region_places_or_lifts_a_hold(session: Session) -> None:
    officer = account(session, "officer", "officer")
    elsewhere = account(session, "coord-south", "coordinator", region="south")
    coordinator = account(session, "coord", "coordinator")
    case = full_case(session, "HXGD-2345", officer=officer)

    with pytest.raises(HoldRefused, match="only a coordinator"):
        place_legal_hold(session, case, officer, HoldReason.INVESTIGATION, NOW)
    with pytest.raises(HoldRefused, match="not in the coordinator's region"):
        place_legal_hold(session, case, elsewhere, HoldReason.INVESTIGATION, NOW)
    assert not case.on_legal_hold
    assert [e.outcome for e in _audit(session, "case.hold")] == ["refused", "refused"]

    place_legal_hold(session, case, coordinator, HoldReason.PROSECUTION, NOW)
    assert (case.legal_hold_at, case.legal_hold_reason) == (NOW, "prosecution")
    with pytest.raises(HoldRefused):
        release_legal_hold(session, case, officer, NOW)
    assert release_legal_hold(session, case, coordinator, NOW) is True
    assert not case.on_legal_hold
    assert release_legal_hold(session, case, coordinator, NOW) is False
    entries = _audit(session, "case.hold") + _audit(session, "case.release")
    assert [(e.actor, e.outcome, e.purpose) for e in entries if e.outcome == "done"] == [
        ("coord", "done", "legal_hold"),
        ("coord", "done", "legal_hold"),
    ]


def test_claims_are_granted_once_per_interval_and_survive_a_restart(database: Settings) -> None:
    day = timedelta(hours=24)
    claims = []
    for moment in (NOW, NOW, NOW + timedelta(hours=23), NOW + day):
        # A new session each time, as a restarted worker or a second worker would have.
        with session_factory().begin() as session:
            claims.append(claim_due_run(session, RETENTION, interval=day, now=moment))
    assert claims == [True, False, False, True]


def test_the_worker_runs_retention_at_most_once_per_interval(
    database: Settings, tracker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [NOW]
    monkeypatch.setattr("passage.runtime.worker._now", lambda: clock[0])
    add_conversation(tracker, "idle", NOW - timedelta(hours=80))

    runs = []
    for moment in (NOW, NOW, NOW + timedelta(hours=1), NOW + timedelta(hours=25)):
        clock[0] = moment
        tick("worker-1", database, {})
        with session_factory()() as session:
            runs.append(len(_audit(session, "retention.run")))

    assert runs == [1, 1, 1, 2]
    assert senders(tracker) == set()


def test_an_erased_case_keeps_its_proof_only_until_the_period_ends(
    session: Session, store: TranscriptStore
) -> None:
    erased = full_case(session, "ERSD-2345", status="erased", closed_at=NOW - timedelta(days=366))
    recent = full_case(session, "ERSD-3456", status="erased", closed_at=NOW - timedelta(days=10))

    report = run_retention(session, store, POLICY, now=NOW, source="worker")

    assert (report.erased_cases_cleared, report.cases_reduced) == (1, 0)
    for table in (ConsentReceipt, Referral):
        assert count(session, table, erased.id) == 0, table.__name__
        assert count(session, table, recent.id) == 1, table.__name__
    assert erased.status == "erased"
    assert session.scalar(select(func.count()).select_from(CaseStatistic)) == 0
    assert [e.case_id for e in _audit(session, "case.clear")] == [erased.id]
