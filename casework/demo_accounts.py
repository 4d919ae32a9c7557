"""Accounts for a newcomer's first try: a demo officer and the intake worker of one demo shelter.

Made only when `passage run` has just loaded the demo directory into an empty database, so a
configured deployment never gets them. The intake password and the officer's enrolment code are
returned once, to be printed; the database keeps only their hashes.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount, find_account
from casework.accounts import create_account
from casework.enrolment import issue_code
from casework.roles import INTAKE, OFFICER
from referral_directory.models import Organization

DEMO_OFFICER = "demo.officer"
DEMO_INTAKE = "demo.intake"
DEMO_AGENCY = "demo-police"
# Apple Orchard Women's Refuge (demo), Almaty: the shelter a first case in Almaty is offered.
DEMO_SHELTER = "2f9f9f84-231b-5397-a9cc-ab834096edfb"
_ACTOR = "demo-setup"


@dataclass(frozen=True)
class DemoAccess:
    officer: str
    enrolment_code: str
    intake: str
    intake_password: str
    shelter: str


def create_demo_accounts(session: Session, *, now: datetime) -> DemoAccess | None:
    """None when there are accounts already or the demo shelter is not in the directory."""
    if session.scalar(select(StaffAccount.id).limit(1)) is not None:
        return None
    shelter = session.get(Organization, DEMO_SHELTER)
    if shelter is None:
        return None
    officer = create_account(
        session,
        role=OFFICER,
        organization_id=DEMO_AGENCY,
        username=DEMO_OFFICER,
        # Never used: an officer works in the chat, enrolled by a code, and has no page here.
        password=secrets.token_urlsafe(24),
        unit="demo-unit",
        region="almaty",
        now=now,
        actor=_ACTOR,
        source="demo",
        purpose="demo",
    )
    password = secrets.token_urlsafe(12)
    intake = create_account(
        session,
        role=INTAKE,
        organization_id=shelter.id,
        username=DEMO_INTAKE,
        password=password,
        now=now,
        actor=_ACTOR,
        source="demo",
        purpose="demo",
    )
    code = issue_code(session, officer, issued_by=_ACTOR, now=now, source="demo")
    return DemoAccess(officer.username, code, intake.username, password, shelter.name)


def demo_directory_loaded(session: Session) -> bool:
    return session.get(Organization, DEMO_SHELTER) is not None


def demo_officer_exists(session: Session) -> bool:
    account = find_account(session, DEMO_OFFICER)
    return account is not None and not account.disabled
