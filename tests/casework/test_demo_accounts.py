"""The demo accounts a newcomer starts with, made only on a fresh demo database."""

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.account_models import find_account
from casework.demo_accounts import DEMO_SHELTER, create_demo_accounts, demo_officer_exists
from casework.enrolment import redeem_code
from casework.passwords import authenticate
from casework.referral_models import AuditEntry
from referral_directory.importer import import_directory
from tests.casework.account_builders import account
from tests.casework.referral_builders import NOW

DEMO_DIRECTORY = Path(__file__).parents[2] / "referral_directory" / "demo"


def test_a_fresh_demo_database_gets_an_officer_and_a_shelters_intake_worker(
    session: Session,
) -> None:
    assert import_directory(session, DEMO_DIRECTORY).ok

    access = create_demo_accounts(session, now=NOW)

    assert access is not None and access.shelter == "Apple Orchard Women's Refuge (demo)"
    intake = find_account(session, access.intake)
    assert intake is not None and (intake.role, intake.organization_id) == ("intake", DEMO_SHELTER)
    assert authenticate(session, access.intake, access.intake_password, now=NOW) is intake
    redeemed = redeem_code(session, "webchat", "web-demo", access.enrolment_code, now=NOW)
    assert redeemed.account is not None and redeemed.account.username == access.officer
    assert demo_officer_exists(session)
    created = session.scalars(
        select(AuditEntry.detail).where(AuditEntry.action == "account.created")
    ).all()
    assert sorted(created) == ["account=demo.intake", "account=demo.officer"]


def test_never_on_a_database_with_accounts_or_without_the_demo_shelter(session: Session) -> None:
    assert create_demo_accounts(session, now=NOW) is None  # no demo directory
    assert import_directory(session, DEMO_DIRECTORY).ok
    account(session, "someone.real")
    assert create_demo_accounts(session, now=NOW) is None
    assert not demo_officer_exists(session)
