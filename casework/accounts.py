"""Staff accounts made and disabled, each change written to the audit trail here, so every
page and command that makes or disables an account audits it.

The rest of the accounts' story is in the modules around this one: the tables
(casework.account_models), what makes a valid account (casework.account_rules), passwords and
the lockout (casework.passwords), web sessions (casework.web_sessions) and partner API keys
(casework.api_keys). Functions here never commit: the caller owns the unit of work.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from casework.account_models import StaffAccount, find_account
from casework.account_rules import (
    ADMINISTRATION,
    AccountError,
    check_new_password,
    check_organization,
    check_placement,
    check_role,
    checked_label,
    checked_username,
)
from casework.audit import record_audit
from casework.passwords import hash_password
from casework.roles import INTAKE


def _audit(
    session: Session,
    action: str,
    username: str,
    *,
    actor: str,
    source: str,
    purpose: str,
    now: datetime,
) -> None:
    record_audit(
        session,
        actor=actor,
        action=action,
        outcome="done",
        detail=f"account={username}",
        source=source,
        purpose=purpose,
        now=now,
    )


def create_account(
    session: Session,
    *,
    role: str,
    organization_id: str,
    username: str,
    password: str,
    unit: str | None = None,
    region: str | None = None,
    now: datetime,
    actor: str,
    source: str,
    purpose: str = ADMINISTRATION,
) -> StaffAccount:
    """An account of any role. Intake accounts belong to an organization of the directory;
    for the other roles `organization_id` names the agency the person works for.

    Audited as "account.created" by `actor` (an admin's username, or "cli") from `source` (the
    client's address, or "cli").
    """
    check_role(role)
    name = checked_username(username)
    check_new_password(password)
    unit, region = checked_label(unit, "unit"), checked_label(region, "region")
    check_placement(role, unit, region)
    check_organization(session, role, organization_id)
    if find_account(session, name) is not None:
        raise AccountError(f"There is already an account named {name!r}.", code="duplicate")
    account = StaffAccount(
        organization_id=organization_id,
        username=name,
        password_hash=hash_password(password),
        role=role,
        unit=unit,
        region=region,
        totp_secret=None,
        totp_last_step=None,
        disabled=False,
        failed_logins=0,
        locked_until=None,
        created_at=now,
    )
    session.add(account)
    _audit(session, "account.created", name, actor=actor, source=source, purpose=purpose, now=now)
    session.flush()
    return account


def create_staff_account(
    session: Session,
    organization_id: str,
    username: str,
    password: str,
    *,
    now: datetime,
    actor: str,
    source: str,
) -> StaffAccount:
    """An intake account of a provider in the directory: create_account with the intake role."""
    return create_account(
        session,
        role=INTAKE,
        organization_id=organization_id,
        username=username,
        password=password,
        now=now,
        actor=actor,
        source=source,
    )


def disable_account(
    session: Session,
    username: str,
    *,
    now: datetime,
    actor: str,
    source: str,
    purpose: str = ADMINISTRATION,
) -> bool:
    """Disable the account (its sessions stop working at once); False if there is none.

    Audited as "account.disabled" like create_account, when there was an account.
    """
    account = find_account(session, username)
    if account is None:
        return False
    account.disabled = True
    _audit(
        session,
        "account.disabled",
        account.username,
        actor=actor,
        source=source,
        purpose=purpose,
        now=now,
    )
    session.flush()
    return True
