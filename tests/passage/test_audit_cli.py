"""`passage audit seal|verify` as an auditor runs them against the app database."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from casework.audit import record_audit
from casework.referral_models import AuditEntry
from passage.cli.main import main
from passage.config import Settings, unit_of_work

AN_HOUR_AGO = datetime.now(UTC) - timedelta(hours=1)


def test_sealed_entries_verify_and_an_edit_is_named(
    database: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with unit_of_work() as session:
        for outcome in ("refused", "allowed", "refused"):
            record_audit(
                session, actor="officer:x", action="referral.send", outcome=outcome, now=AN_HOUR_AGO
            )
    assert main(["audit", "seal"]) == 0
    assert "Sealed 3 audit entries" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    printed = capsys.readouterr().out
    assert "verifies: 3 sealed entries; 0 newer" in printed
    with unit_of_work() as session:
        newest = session.scalars(
            select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc())
        ).first()
    assert f"Head hash: {newest} " in printed

    with unit_of_work() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 2).values(outcome="refused"))

    assert main(["audit", "verify"]) == 1
    assert "TAMPERED: the audit chain breaks at entry 2" in capsys.readouterr().out
