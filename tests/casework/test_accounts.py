"""Staff accounts, web sessions and API keys, on an in-memory database built from the models,
and the audit entries their changes write.

argon2 takes a noticeable fraction of a second per hash by design, so each test hashes little.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import Session

import casework.models  # noqa: F401  (registers the tables)
from casework.account_models import ApiKey, StaffAccount, WebSession
from casework.account_rules import AccountError
from casework.accounts import create_account, create_staff_account, disable_account
from casework.api_keys import (
    API_KEY_START,
    create_api_key,
    organization_for_api_key,
    revoke_api_key,
)
from casework.db import Base
from casework.passwords import authenticate
from casework.referral_models import AuditEntry
from casework.roles import OFFICER
from casework.web_sessions import csrf_ok, end_session, session_for_token, start_session
from referral_directory.db import DirectoryBase
from referral_directory.models import Organization

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def _foreign_keys_on(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


@pytest.fixture
def db() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    event.listen(engine, "connect", _foreign_keys_on)
    DirectoryBase.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Organization(id="org-1", name="Safe House", description="A shelter."))
        session.flush()
        yield session
    engine.dispose()


@pytest.fixture
def account(db: Session) -> StaffAccount:
    return create_staff_account(
        db, "org-1", " Alice.Intake ", PASSWORD, now=NOW, actor="test", source="test"
    )


def test_create_and_authenticate(db: Session, account: StaffAccount) -> None:
    assert account.username == "alice.intake"
    assert account.role == "intake"
    assert account.password_hash.startswith("$argon2id$")
    assert authenticate(db, "ALICE.intake", PASSWORD, now=NOW) is account
    assert authenticate(db, "alice.intake", PASSWORD + "x", now=NOW) is None
    assert account.failed_logins == 1


def test_unknown_user_is_refused(db: Session) -> None:
    assert authenticate(db, "nobody", PASSWORD, now=NOW) is None
    assert authenticate(db, "not a username!", PASSWORD, now=NOW) is None


def test_five_failures_lock_the_account_for_fifteen_minutes(
    db: Session, account: StaffAccount
) -> None:
    for _ in range(5):
        assert authenticate(db, "alice.intake", "wrong password!", now=NOW) is None
    assert account.is_locked(NOW)
    later = NOW + timedelta(minutes=14)
    assert authenticate(db, "alice.intake", PASSWORD, now=later) is None

    unlocked = NOW + timedelta(minutes=15)
    assert authenticate(db, "alice.intake", PASSWORD, now=unlocked) is account
    assert account.failed_logins == 0
    assert account.locked_until is None


def test_session_round_trip_expiry_and_end(db: Session, account: StaffAccount) -> None:
    token, web_session = start_session(db, account, now=NOW)
    assert session_for_token(db, token, now=NOW + timedelta(hours=7)) is web_session
    assert session_for_token(db, token, now=NOW + timedelta(hours=8)) is None
    assert session_for_token(db, token + "x", now=NOW) is None
    assert session_for_token(db, "", now=NOW) is None

    assert end_session(db, token, now=NOW + timedelta(minutes=5))
    assert session_for_token(db, token, now=NOW + timedelta(minutes=6)) is None
    assert not end_session(db, token, now=NOW + timedelta(minutes=7))


def test_a_disabled_account_has_no_session_and_cannot_log_in(
    db: Session, account: StaffAccount
) -> None:
    token, _ = start_session(db, account, now=NOW)
    assert disable_account(db, "Alice.Intake", now=NOW, actor="test", source="test")
    assert session_for_token(db, token, now=NOW) is None
    assert authenticate(db, "alice.intake", PASSWORD, now=NOW) is None
    assert not disable_account(db, "nobody", now=NOW, actor="test", source="test")


def test_csrf_token_must_match(db: Session, account: StaffAccount) -> None:
    _, web_session = start_session(db, account, now=NOW)
    assert csrf_ok(web_session, web_session.csrf_token)
    assert not csrf_ok(web_session, web_session.csrf_token[:-1])
    assert not csrf_ok(web_session, None)
    assert not csrf_ok(web_session, "")
    assert not csrf_ok(web_session, "é" * 43)


def test_api_key_round_trip_and_revocation(db: Session) -> None:
    raw_key, api_key = create_api_key(
        db, "org-1", "case system", now=NOW, actor="test", source="test"
    )
    assert raw_key.startswith(f"psg_{api_key.prefix}_")
    assert organization_for_api_key(db, raw_key, now=NOW) == "org-1"
    assert api_key.last_used_at == NOW
    assert organization_for_api_key(db, raw_key[:-1], now=NOW) is None
    assert organization_for_api_key(db, "nonsense", now=NOW) is None

    assert revoke_api_key(db, api_key.prefix, now=NOW, actor="test", source="test")
    assert organization_for_api_key(db, raw_key, now=NOW) is None
    assert not revoke_api_key(db, api_key.prefix, now=NOW, actor="test", source="test")
    assert not revoke_api_key(db, "000000000000", now=NOW, actor="test", source="test")


def test_secrets_are_never_stored(db: Session, account: StaffAccount) -> None:
    raw_key, _ = create_api_key(db, "org-1", "", now=NOW, actor="test", source="test")
    token, _ = start_session(db, account, now=NOW)
    # After "psg_<prefix>_"; the secret itself may contain "_", so split from the left.
    secret_part = raw_key.removeprefix(API_KEY_START).split("_", 1)[1]
    stored = [
        str(value)
        for model in (StaffAccount, WebSession, ApiKey)
        for row in db.execute(select(model.__table__)).all()
        for value in row
    ]
    for secret in (raw_key, secret_part, token, PASSWORD):
        assert not any(secret in value for value in stored), secret


@pytest.mark.parametrize(
    ("organization_id", "username", "password", "message"),
    [
        ("org-1", "alice.intake", "another password", "already an account"),
        ("org-1", "bob", "short", "at least 12"),
        ("org-1", "b", "long enough password", "3 to 64"),
        ("org-1", "bob smith", "long enough password", "3 to 64"),
        ("org-404", "bob", "long enough password", "No organization"),
    ],
)
def test_bad_values_are_refused_with_a_reason(
    db: Session,
    account: StaffAccount,
    organization_id: str,
    username: str,
    password: str,
    message: str,
) -> None:
    with pytest.raises(AccountError, match=message):
        create_staff_account(
            db, organization_id, username, password, now=NOW, actor="test", source="test"
        )


def test_api_key_needs_a_known_organization(db: Session) -> None:
    with pytest.raises(AccountError, match="No organization"):
        create_api_key(db, "org-404", "", now=NOW, actor="test", source="test")


def audit(db: Session) -> list[tuple[str, str, str, str, str]]:
    entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(e.actor, e.action, e.detail, e.source, e.purpose) for e in entries]


def test_creating_and_disabling_an_account_is_audited_by_whoever_does_it(db: Session) -> None:
    create_account(
        db,
        role=OFFICER,
        organization_id="police",
        username="Olga",
        password=PASSWORD,
        unit="u1",
        now=NOW,
        actor="adam.admin",
        source="192.0.2.1",
    )
    assert disable_account(db, "OLGA", now=NOW, actor="cli", source="cli")
    assert not disable_account(db, "nobody", now=NOW, actor="cli", source="cli")

    assert audit(db) == [
        ("adam.admin", "account.created", "account=olga", "192.0.2.1", "administration"),
        ("cli", "account.disabled", "account=olga", "cli", "administration"),
    ]


def test_a_refused_account_is_not_audited(db: Session) -> None:
    with pytest.raises(AccountError):
        create_staff_account(db, "org-404", "bob", PASSWORD, now=NOW, actor="cli", source="cli")
    assert audit(db) == []


def test_api_keys_made_and_revoked_are_audited_without_the_key(db: Session) -> None:
    raw_key, api_key = create_api_key(
        db, "org-1", "case system", now=NOW, actor="cli", source="cli"
    )
    assert revoke_api_key(db, raw_key, now=NOW, actor="adam.admin", source="192.0.2.1")
    assert not revoke_api_key(db, raw_key, now=NOW, actor="adam.admin", source="192.0.2.1")

    key = f"organization=org-1 key={api_key.prefix}"
    assert audit(db) == [
        ("cli", "api_key.created", key, "cli", "administration"),
        ("adam.admin", "api_key.revoked", key, "192.0.2.1", "administration"),
    ]
    assert not any(raw_key.rsplit("_", 1)[1] in str(entry) for entry in audit(db))
