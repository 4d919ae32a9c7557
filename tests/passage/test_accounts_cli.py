"""`passage accounts ...` (the `users` group under its older name) as an operator runs them."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from casework.api_keys import organization_for_api_key
from casework.referral_models import AuditEntry
from passage.cli.main import main
from passage.config import Settings, session_factory, unit_of_work
from referral_directory.models import Organization


@pytest.fixture
def organization(database: Settings) -> str:
    with unit_of_work() as session:
        session.add(Organization(id="org-1", name="Safe House", description="A shelter."))
    return "org-1"


def test_add_staff_then_list_without_secrets(
    organization: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PASSAGE_NEW_PASSWORD", "correct horse battery")
    assert main(["accounts", "add-staff", organization, "Alice"]) == 0
    assert "alice" in capsys.readouterr().out

    assert main(["accounts", "list", "--organization", organization]) == 0
    out = capsys.readouterr().out
    assert "alice" in out and "intake" in out
    assert "argon2" not in out and "correct horse" not in out

    assert main(["accounts", "disable", "alice"]) == 0
    capsys.readouterr()
    assert main(["accounts", "list"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["USERNAME", "ROLE", "ORGANIZATION", "UNIT", "REGION", "TOTP", "STATE"]
    assert row.split() == ["alice", "intake", "org-1", "-", "-", "no", "disabled"]

    assert main(["accounts", "disable", "nobody"]) == 1
    assert "No account named" in capsys.readouterr().err
    with session_factory()() as session:
        audited = session.execute(
            select(AuditEntry.action, AuditEntry.detail).where(
                AuditEntry.action.in_(["account.created", "account.disabled"])
            )
        ).all()
    assert sorted(audited) == [
        ("account.created", "account=alice"),
        ("account.disabled", "account=alice"),
    ]


@pytest.mark.parametrize(
    ("organization_id", "username", "password", "message"),
    [
        ("org-1", "alice", "short", "at least 12"),
        ("org-1", "a b", "correct horse battery", "3 to 64"),
        ("org-404", "alice", "correct horse battery", "No organization"),
    ],
)
def test_add_staff_refuses_bad_values_with_exit_2(
    organization: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    organization_id: str,
    username: str,
    password: str,
    message: str,
) -> None:
    monkeypatch.setenv("PASSAGE_NEW_PASSWORD", password)
    assert main(["accounts", "add-staff", organization_id, username]) == 2
    assert message in capsys.readouterr().err


def test_add_staff_asks_twice_and_refuses_different_answers(
    organization: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PASSAGE_NEW_PASSWORD", raising=False)
    answers = iter(["correct horse battery", "correct horse battery!"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    assert main(["accounts", "add-staff", organization, "alice"]) == 2
    assert "differ" in capsys.readouterr().err


def test_api_key_is_shown_once_and_can_be_revoked(
    organization: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["accounts", "add-api-key", organization, "--label", "case system"]) == 0
    captured = capsys.readouterr()
    raw_key = captured.out.strip()
    assert raw_key.startswith("psg_")
    assert "cannot be shown again" in captured.err
    with session_factory()() as session:
        assert organization_for_api_key(session, raw_key, now=datetime.now(UTC)) == organization

    prefix = raw_key.split("_")[1]
    assert main(["accounts", "revoke-api-key", prefix]) == 0
    with session_factory()() as session:
        assert organization_for_api_key(session, raw_key, now=datetime.now(UTC)) is None
    assert main(["accounts", "revoke-api-key", prefix]) == 1

    assert main(["accounts", "add-api-key", "org-404"]) == 2
    assert "No organization" in capsys.readouterr().err
