"""`passage referrals ...`: the outbox as staff see it, and partner push secrets."""

from pathlib import Path

import pytest

from casework.outbox import mark_dead
from casework.referral_models import OutboxMessage, PartnerPushSecret
from casework.referrals import send_chosen_referral
from passage.cli.main import main
from passage.config import Settings, session_factory, unit_of_work
from tests.casework.referral_builders import NOW, NUMBERS, OFFICER, POLICY, ready_case, shelters
from tests.referral_directory.hsds_builders import uid


def test_outbox_lists_states_and_codes_but_never_numbers_or_texts(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with unit_of_work() as session:
        shelters(session, tmp_path)
        case = ready_case(session)
        referral = send_chosen_referral(
            session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
        )
        code = referral.code
        row = session.query(OutboxMessage).one()
        row.attempts = 1
        mark_dead(row, "twilio 400/21211")

    assert main(["referrals", "outbox", "--state", "dead"]) == 0

    out = capsys.readouterr().out
    assert "dead" in out and code in out and "twilio 400/21211" in out
    assert NUMBERS["shelter-a"] not in out and "ACCEPT" not in out
    assert main(["referrals", "outbox", "--state", "pending"]) == 0
    assert "No messages in state pending." in capsys.readouterr().out


def test_push_secret_is_printed_once_and_stored(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with unit_of_work() as session:
        shelters(session, tmp_path)
    organization = uid("organization/shelter-a")

    assert main(["referrals", "push-secret", organization]) == 0

    printed = capsys.readouterr().out.strip()
    with session_factory()() as session:
        stored = session.get(PartnerPushSecret, organization)
        assert stored is not None and stored.secret == printed and len(printed) >= 40
    assert main(["referrals", "push-secret", "no-such-organization"]) == 2
    assert "No organization" in capsys.readouterr().err
