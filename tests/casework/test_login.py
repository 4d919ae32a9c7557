"""Accounts of every role, and the audited one- or two-step login (casework.login)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

import casework.models  # noqa: F401  (registers the tables)
from casework.account_models import StaffAccount
from casework.account_rules import AccountError
from casework.accounts import create_account, create_staff_account
from casework.db import Base
from casework.login import (
    PENDING_TTL,
    Outcome,
    finish_login,
    log_in,
    pending_login,
    set_up_totp,
)
from casework.passwords import MAX_FAILED_LOGINS
from casework.referral_models import AuditEntry
from casework.roles import ADMIN, CASEWORKER, COORDINATOR, INTAKE, OFFICER
from casework.totp import code_at, time_step
from casework.web_sessions import session_for_token
from referral_directory.db import DirectoryBase
from referral_directory.models import Organization

NOW = datetime(2026, 11, 24, 9, 0, 10, tzinfo=UTC)
PASSWORD = "correct horse battery"
IP = "203.0.113.7"


@pytest.fixture
def db() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    DirectoryBase.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Organization(id="org-1", name="Safe House", description="A shelter."))
        session.flush()
        yield session
    engine.dispose()


def make(db: Session, role: str, **placement: str | None) -> StaffAccount:
    return create_account(
        db,
        role=role,
        organization_id="org-1" if role == INTAKE else "police-north",
        username=f"{role}.one",
        password=PASSWORD,
        now=NOW,
        **placement,
        actor="test",
        source="test",
    )


@pytest.mark.parametrize(
    ("role", "placement"),
    [
        (INTAKE, {}),
        (OFFICER, {"unit": "unit-1", "region": "north"}),
        (OFFICER, {"unit": "unit-1"}),
        (CASEWORKER, {"unit": "unit-1", "region": "north"}),
        (COORDINATOR, {"region": "north"}),
        (ADMIN, {}),
    ],
)
def test_every_role_can_be_created_with_its_placement(
    db: Session, role: str, placement: dict[str, str]
) -> None:
    account = make(db, role, **placement)
    assert (account.role, account.unit, account.region) == (
        role,
        placement.get("unit"),
        placement.get("region"),
    )
    assert account.totp_secret is None
    assert PASSWORD not in account.password_hash


@pytest.mark.parametrize(
    ("role", "placement", "code"),
    [
        (OFFICER, {}, "unit"),
        (CASEWORKER, {"region": "north"}, "unit"),
        (COORDINATOR, {}, "region"),
        (COORDINATOR, {"region": "north", "unit": "unit-1"}, "unit"),
        (ADMIN, {"region": "north"}, "region"),
        (INTAKE, {"unit": "unit-1"}, "unit"),
        (OFFICER, {"unit": "<script>"}, "unit"),
        ("superuser", {}, "role"),
    ],
)
def test_placement_rules_are_enforced(
    db: Session, role: str, placement: dict[str, str], code: str
) -> None:
    with pytest.raises(AccountError) as refused:
        make(db, role, **placement)
    assert refused.value.code == code


def test_intake_needs_a_directory_organization_and_others_an_agency(db: Session) -> None:
    with pytest.raises(AccountError) as unknown:
        create_account(
            db,
            role=INTAKE,
            organization_id="org-404",
            username="x.y",
            password=PASSWORD,
            now=NOW,
            actor="test",
            source="test",
        )
    assert unknown.value.code == "organization"
    with pytest.raises(AccountError) as blank:
        create_account(
            db,
            role=ADMIN,
            organization_id=" ",
            username="x.y",
            password=PASSWORD,
            now=NOW,
            actor="test",
            source="test",
        )
    assert blank.value.code == "organization"


def test_create_staff_account_still_makes_intake_accounts(db: Session) -> None:
    account = create_staff_account(
        db, "org-1", "Alice", PASSWORD, now=NOW, actor="test", source="test"
    )
    assert (account.role, account.username, account.organization_id) == (INTAKE, "alice", "org-1")


def audit(db: Session) -> list[tuple[str, str, str, str, str]]:
    """The audit of logins: the accounts the tests make are audited too, but not here."""
    entries = select(AuditEntry).where(AuditEntry.action != "account.created")
    return [
        (e.actor, e.action, e.outcome, e.source, e.purpose)
        for e in db.scalars(entries.order_by(AuditEntry.id))
    ]


def test_a_password_login_is_audited_with_its_source(db: Session) -> None:
    make(db, OFFICER, unit="unit-1")
    result = log_in(db, "officer.one", PASSWORD, source=IP, now=NOW)
    assert result.outcome is Outcome.SIGNED_IN and result.token
    assert session_for_token(db, result.token, now=NOW) is not None
    assert audit(db) == [("officer.one", "login", "success", IP, "login")]


def test_failures_and_locks_are_audited_without_the_typed_text(db: Session) -> None:
    make(db, INTAKE)
    assert log_in(db, PASSWORD, "x", source=IP, now=NOW).outcome is Outcome.REFUSED
    for _ in range(MAX_FAILED_LOGINS):
        log_in(db, "intake.one", "wrong password!", source=IP, now=NOW)
    assert log_in(db, "intake.one", PASSWORD, source=IP, now=NOW).outcome is Outcome.LOCKED
    rows = audit(db)
    assert rows[0] == ("unknown", "login", "failure", IP, "login")
    assert [r[2] for r in rows[1:]] == ["failure"] * (MAX_FAILED_LOGINS - 1) + ["locked"] * 2
    assert all(PASSWORD not in str(r) for r in rows)


def with_totp(db: Session, role: str = COORDINATOR) -> tuple[StaffAccount, str]:
    account = make(db, role, region="north") if role == COORDINATOR else make(db, role)
    secret = set_up_totp(db, account, actor="admin.one", source="cli", now=NOW)
    return account, secret


def test_coordinators_and_admins_with_totp_need_the_code(db: Session) -> None:
    account, secret = with_totp(db)
    first = log_in(db, "coordinator.one", PASSWORD, source=IP, now=NOW)
    assert first.outcome is Outcome.CODE_NEEDED and first.token
    # The pending login is no session: it cannot be used as a cookie.
    assert session_for_token(db, first.token, now=NOW) is None
    pending = pending_login(db, first.token, now=NOW)
    assert pending is not None

    done = finish_login(db, pending, code_at(secret, time_step(NOW)), source=IP, now=NOW)

    assert done.outcome is Outcome.SIGNED_IN and done.token
    assert session_for_token(db, done.token, now=NOW) is not None
    assert account.totp_last_step == time_step(NOW)
    assert pending_login(db, first.token, now=NOW) is None  # spent
    assert [r[2] for r in audit(db) if r[1] == "login"] == ["second_factor", "success"]


def test_a_code_cannot_be_replayed(db: Session) -> None:
    _, secret = with_totp(db)
    code = code_at(secret, time_step(NOW))
    for expected in (Outcome.SIGNED_IN, Outcome.REFUSED):
        first = log_in(db, "coordinator.one", PASSWORD, source=IP, now=NOW)
        pending = pending_login(db, first.token or "", now=NOW)
        assert pending is not None
        assert finish_login(db, pending, code, source=IP, now=NOW).outcome is expected


def test_wrong_codes_count_toward_the_lockout(db: Session) -> None:
    account, _ = with_totp(db, ADMIN)
    outcomes = []
    for _ in range(MAX_FAILED_LOGINS):
        first = log_in(db, "admin.one", PASSWORD, source=IP, now=NOW)
        pending = pending_login(db, first.token or "", now=NOW)
        assert pending is not None, "a right password must not clear the count of wrong codes"
        outcomes.append(finish_login(db, pending, "000000", source=IP, now=NOW).outcome)
    assert outcomes[-1] is Outcome.LOCKED
    assert account.is_locked(NOW)
    assert log_in(db, "admin.one", PASSWORD, source=IP, now=NOW).outcome is Outcome.LOCKED


def test_a_pending_login_expires(db: Session) -> None:
    with_totp(db)
    first = log_in(db, "coordinator.one", PASSWORD, source=IP, now=NOW)
    assert pending_login(db, first.token or "", now=NOW + PENDING_TTL) is None
    assert pending_login(db, first.token or "", now=NOW + PENDING_TTL - timedelta(seconds=1))


def test_totp_is_only_for_coordinators_and_admins(db: Session) -> None:
    officer = make(db, OFFICER, unit="unit-1")
    with pytest.raises(AccountError):
        set_up_totp(db, officer, actor="admin.one", source="cli", now=NOW)
    assert officer.totp_secret is None
