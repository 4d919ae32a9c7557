"""Accounts and enrolled chat identities for tests, made straight in the database."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount
from casework.enrolment import issue_code, redeem_code
from casework.roles import OFFICER


def account(
    session: Session,
    username: str = "officer.one",
    *,
    role: str = OFFICER,
    unit: str | None = "unit-north-1",
    region: str | None = "north",
    organization_id: str = "police-north",
) -> StaffAccount:
    """The account with this username, made on first use (no password: it never logs in)."""
    found = session.scalars(select(StaffAccount).where(StaffAccount.username == username)).first()
    if found is not None:
        return found
    made = StaffAccount(
        organization_id=organization_id,
        username=username,
        password_hash="!",  # no argon2 hash verifies against this
        role=role,
        unit=unit,
        region=region,
        disabled=False,
        failed_logins=0,
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    session.add(made)
    session.flush()
    return made


def enrol(session: Session, who: StaffAccount, sender_id: str, channel: str = "rest") -> None:
    """Bind a chat identity to the account the way an officer does: with a one-time code."""
    now = datetime.now(UTC)
    code = issue_code(session, who, issued_by="test-admin", now=now)
    redeemed = redeem_code(session, channel, sender_id, code, now=now)
    assert redeemed.account is who
