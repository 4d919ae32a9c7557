"""`passage cases close|hold|release|erase` and `passage retention run` against a database."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casework.erasure import ErasureReason
from casework.legal_hold import HoldReason
from casework.models import Case, CaseStatistic, IntakeAnswer
from casework.referral_models import AuditEntry, OutboxMessage
from passage.cli.cases import ERASURE_REASONS, HOLD_REASONS
from passage.cli.main import main
from passage.config import Settings, session_factory, unit_of_work
from tests.casework.retention_builders import (
    account,
    add_conversation,
    count,
    full_case,
    senders,
    tracker_db,
)

REFERENCE = "KX7P-2M9Q"


@pytest.fixture
def tracker(database: Settings) -> Path:
    return tracker_db(database.resolved_tracker_db)


@pytest.fixture
def case_id(database: Settings) -> int:
    with unit_of_work() as session:
        officer = account(session, "officer", "officer")
        account(session, "coord", "coordinator")
        return full_case(session, REFERENCE, officer=officer).id


def _case(case_id: int) -> Case:
    with session_factory()() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def _actions(action: str) -> list[tuple[str, str]]:
    with session_factory()() as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.outcome).where(AuditEntry.action == action)
        )
        return [(actor, outcome) for actor, outcome in rows]


def test_the_reason_choices_are_the_domain_codes() -> None:
    assert tuple(reason.value for reason in HoldReason) == HOLD_REASONS
    assert tuple(reason.value for reason in ErasureReason) == ERASURE_REASONS


def test_close_then_retention_reduces_it_once_the_period_is_over(
    case_id: int, tracker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cases", "close", "kx7p 2m9q"]) == 0
    assert f"Case {REFERENCE} is closed" in capsys.readouterr().out
    add_conversation(tracker, "idle", datetime.now(UTC) - timedelta(hours=73))
    add_conversation(tracker, "fresh", datetime.now(UTC))

    assert main(["retention", "run"]) == 0
    out = capsys.readouterr().out
    assert "Removed: 1 idle chat transcripts, 0 closed cases" in out
    assert senders(tracker) == {"fresh"}
    assert _case(case_id).status == "closed"

    with unit_of_work() as session:
        stored = session.get(Case, case_id)
        assert stored is not None
        stored.closed_at = datetime.now(UTC) - timedelta(days=366)
    assert main(["retention", "run", "--dry-run"]) == 0
    assert "Would remove: 0 idle chat transcripts, 1 closed cases" in capsys.readouterr().out
    assert _case(case_id).status == "closed"

    assert main(["retention", "run"]) == 0
    assert "Removed: 0 idle chat transcripts, 1 closed cases" in capsys.readouterr().out
    assert _case(case_id).status == "reduced"
    with session_factory()() as session:
        assert count(session, IntakeAnswer, case_id) == 0
        assert session.scalar(select(func.count()).select_from(CaseStatistic)) == 1
    assert [actor for actor, _ in _actions("retention.run")] == ["cli", "cli"]


def test_hold_is_refused_to_an_officer_and_placed_and_released_by_a_coordinator(
    case_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    hold = ["cases", "hold", REFERENCE, "--reason", "investigation", "--by"]
    assert main([*hold, "officer"]) == 1
    assert "Refused: only a coordinator" in capsys.readouterr().err
    assert _case(case_id).legal_hold_at is None

    assert main([*hold, "coord"]) == 0
    assert "is under legal hold" in capsys.readouterr().out
    assert _case(case_id).legal_hold_reason == "investigation"

    assert main(["cases", "erase", REFERENCE, "--by", "officer", "--reason", "person_request"]) == 1
    assert "legal hold" in capsys.readouterr().err

    assert main(["cases", "release", REFERENCE, "--by", "coord"]) == 0
    assert "is released" in capsys.readouterr().out
    assert _case(case_id).legal_hold_at is None
    # Refusals are committed to the audit trail too.
    assert _actions("case.hold") == [("officer", "refused"), ("coord", "done")]
    assert _actions("case.release") == [("coord", "done")]
    assert _actions("case.erase") == [("officer", "refused")]


def test_erase_prints_counts_and_queues_the_provider_notice(
    case_id: int, tracker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_conversation(tracker, "chat", datetime.now(UTC), REFERENCE)

    code = main(["cases", "erase", REFERENCE, "--by", "officer", "--reason", "person_request"])

    out = capsys.readouterr().out
    assert code == 0
    assert "Consents withdrawn: 1; answers deleted: 4" in out
    assert "open referrals withdrawn and their providers told to delete: 1" in out
    assert "chat transcripts deleted: 1." in out
    assert REFERENCE not in out and "bus depot" not in out
    assert _case(case_id).status == "erased"
    assert senders(tracker) == set()
    with session_factory()() as session:
        bodies = session.scalars(select(OutboxMessage.body)).all()
    assert len(bodies) == 1 and "Удалите" in bodies[0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["cases", "close", "not a code"], "is not a case reference"),
        (["cases", "close", "ZZZZ-2222"], "No case ZZZZ-2222"),
        (["cases", "release", REFERENCE, "--by", "nobody"], "No account named 'nobody'"),
    ],
)
def test_unknown_cases_and_accounts_are_named(
    case_id: int, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    assert message in capsys.readouterr().err
