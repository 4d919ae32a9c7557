"""`passage users ...` as an operator runs them."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest

from casework.account_models import find_account
from casework.enrolment import CODE_PATTERN
from passage.cli.main import main
from passage.config import Settings, session_factory, unit_of_work
from referral_directory.models import Organization

PASSWORD = "correct horse battery"


@pytest.fixture
def organization(database: Settings) -> str:
    with unit_of_work() as session:
        session.add(Organization(id="org-1", name="Safe House", description="A shelter."))
    return "org-1"


def add(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    return main(["users", "add", *args, "--password-stdin"])


def test_add_every_role_then_list_without_secrets(
    organization: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add(monkeypatch, "--role", "intake", "--org", organization, "--username", "Alice") == 0
    assert add(monkeypatch, "--role", "officer", "--org", "police", "--username", "olga",
               "--unit", "u1", "--region", "north") == 0  # fmt: skip
    assert add(monkeypatch, "--role", "coordinator", "--org", "police", "--username", "cora",
               "--region", "north") == 0  # fmt: skip
    assert add(monkeypatch, "--role", "admin", "--org", "passage", "--username", "adam") == 0
    capsys.readouterr()

    assert main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert out.split("\n")[0].split() == [
        "USERNAME", "ROLE", "ORGANIZATION", "UNIT", "REGION", "TOTP", "STATE"
    ]  # fmt: skip
    assert "olga" in out and "u1" in out and "argon2" not in out and PASSWORD not in out
    assert main(["users", "list", "--org", organization]) == 0
    assert capsys.readouterr().out.count("\n") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "officer", "--org", "police", "--username", "olga"], "needs a unit"),
        (["--role", "coordinator", "--org", "police", "--username", "cora"], "needs a region"),
        (["--role", "intake", "--org", "org-404", "--username", "ivan"], "No organization"),
    ],
)
def test_add_refuses_missing_placement_with_exit_2(
    organization: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    assert add(monkeypatch, *args) == 2
    assert message in capsys.readouterr().err


def test_the_password_is_never_an_argument(database: Settings) -> None:
    with pytest.raises(SystemExit):
        main(["users", "add", "--role", "admin", "--org", "x", "--username", "a.b",
              "--password", PASSWORD])  # fmt: skip


def test_enrol_code_totp_and_disable(
    organization: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add(monkeypatch, "--role", "coordinator", "--org", "police", "--username", "cora",
        "--region", "north")  # fmt: skip
    add(monkeypatch, "--role", "intake", "--org", organization, "--username", "alice")
    capsys.readouterr()

    assert main(["users", "enrol-code", "cora"]) == 0
    printed = capsys.readouterr()
    assert CODE_PATTERN.fullmatch(printed.out.strip())
    assert "valid until" in printed.err

    assert main(["users", "totp", "cora"]) == 0
    uri = urlsplit(capsys.readouterr().out.strip())
    with session_factory()() as session:
        cora = find_account(session, "cora")
        assert cora is not None
        assert parse_qs(uri.query)["secret"] == [cora.totp_secret]

    assert main(["users", "totp", "alice"]) == 2
    assert main(["users", "enrol-code", "alice"]) == 2
    assert main(["users", "enrol-code", "nobody"]) == 1
    assert main(["users", "disable", "cora"]) == 0
    assert main(["users", "disable", "nobody"]) == 1
    assert main(["users", "enrol-code", "cora"]) == 2
