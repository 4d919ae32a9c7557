"""A database with a person of every role, referrals to two providers, an owned case and API
keys, plus logged-in clients: for the web page tests and the access matrix."""

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import deps
from casework.account_models import StaffAccount, WebSession
from casework.accounts import create_account
from casework.api_keys import create_api_key
from casework.login import set_up_totp
from casework.models import Case
from casework.outbox import Kind
from casework.proposals import choose_provider
from casework.referral_models import OutboxMessage
from casework.referrals import send_chosen_referral
from casework.roles import ADMIN, CASEWORKER, COORDINATOR, INTAKE, OFFICER
from casework.totp import code_at, time_step
from passage.config import session_factory, unit_of_work
from passage.runtime.api_app import api_app
from tests.casework.referral_builders import NOW, POLICY, ready_case, shelters
from tests.casework.referral_builders import OFFICER as CHAT_OFFICER
from tests.referral_directory.hsds_builders import sal_id, uid

CLOCK = NOW + timedelta(minutes=5)
PASSWORD = "correct horse battery"
ORG_A = uid("organization/shelter-a")
ORG_B = uid("organization/shelter-b")
UNIT = "unit-north-1"
REGION = "north"

# Who logs in (username, role, organization, unit, region, with a TOTP second factor).
PEOPLE = {
    "intake_own": ("alice", INTAKE, ORG_A, None, None, False),
    "intake_other": ("bob", INTAKE, ORG_B, None, None, False),
    "officer": ("olga.officer", OFFICER, "police-north", UNIT, REGION, False),
    "caseworker": ("carl.caseworker", CASEWORKER, "police-north", UNIT, REGION, False),
    "coordinator": ("cora.coordinator", COORDINATOR, "police", None, REGION, True),
    "admin": ("adam.admin", ADMIN, "passage", None, None, True),
}
# Targets of admin actions; they never log in.
SPARES = {
    "spare_officer": ("sam.spare", OFFICER, "police-north", UNIT, REGION),
    "spare_coordinator": ("sue.spare", COORDINATOR, "police", None, "south"),
    "spare_to_disable": ("dan.spare", CASEWORKER, "police-north", UNIT, REGION),
}


@dataclass(frozen=True)
class Sent:
    id: int
    token: str


@dataclass
class World:
    referrals: dict[str, Sent]  # by purpose: read, accept, decline, link, status, other_org
    case_reference: str
    accounts: dict[str, int]
    secrets: dict[str, str]
    keys: dict[str, str]


def _refer(session: Session, shelter: str) -> tuple[Sent, Case]:
    case = ready_case(session)
    if shelter != "shelter-a":
        choose_provider(session, case, "basic.housing", sal_id(shelter), POLICY.rules, now=NOW)
    referral = send_chosen_referral(
        session, case, "basic.housing", CHAT_OFFICER, POLICY, cascade=False, now=NOW
    )
    sms = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.referral_id == referral.id, OutboxMessage.kind == Kind.SMS.value
        )
    ).one()
    return Sent(referral.id, sms.body.rsplit("/r/", 1)[1]), case


def build_world(tmp_path: Path) -> World:
    with unit_of_work() as session:
        shelters(session, tmp_path)
        accounts: dict[str, int] = {}
        secrets: dict[str, str] = {}
        for who, (name, role, org, unit, region, totp) in PEOPLE.items():
            made = create_account(
                session,
                role=role,
                organization_id=org,
                username=name,
                password=PASSWORD,
                unit=unit,
                region=region,
                now=NOW,
                actor="test",
                source="test",
            )
            accounts[who] = made.id
            if totp:
                secrets[who] = set_up_totp(session, made, actor="test", source="test", now=NOW)
        for who, (name, role, org, unit, region) in SPARES.items():
            made = create_account(
                session,
                role=role,
                organization_id=org,
                username=name,
                password=PASSWORD,
                unit=unit,
                region=region,
                now=NOW,
                actor="test",
                source="test",
            )
            accounts[who] = made.id
        referrals: dict[str, Sent] = {}
        for purpose in ("read", "accept", "decline", "link", "status"):
            referrals[purpose], case = _refer(session, "shelter-a")
        referrals["other_org"], _ = _refer(session, "shelter-b")
        # The last case is Olga's: her unit's caseworker and her region's coordinator see it.
        case.officer_account_id = accounts["officer"]
        case.unit, case.region = UNIT, REGION
        keys = {
            "key_own": create_api_key(session, ORG_A, now=NOW, actor="test", source="test")[0],
            "key_other": create_api_key(session, ORG_B, now=NOW, actor="test", source="test")[0],
        }
        reference = case.reference
    return World(referrals, reference, accounts, secrets, keys)


def make_app() -> FastAPI:
    app = api_app()
    app.dependency_overrides[deps.current_time] = lambda: CLOCK
    return app


def csrf_in(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def log_in(
    client: TestClient, who: str, world: World, next_path: str = "", later_steps: int = 0
) -> None:
    """Log in through the pages, with the TOTP step where the account has one. A second login
    in the same 30 s needs `later_steps=1`: a code's step cannot be used twice."""
    name = PEOPLE[who][0]
    form = client.get("/intake/login")
    answer = client.post(
        "/intake/login",
        data={
            "username": name,
            "password": PASSWORD,
            "csrf": csrf_in(form.text),
            "next": next_path,
        },
    )
    assert answer.status_code == 303, (who, answer.status_code)
    if who in world.secrets:
        assert answer.headers["location"].startswith("/intake/login/code")
        page = client.get(answer.headers["location"])
        code = code_at(world.secrets[who], time_step(CLOCK) + later_steps)
        answer = client.post(
            "/intake/login/code",
            data={"code": code, "csrf": csrf_in(page.text), "next": next_path},
        )
        assert answer.status_code == 303, (who, answer.status_code)
    assert "passage_intake" in client.cookies


def session_csrf(account_id: int) -> str:
    """The CSRF token of the account's newest open session (as its pages carry it)."""
    with session_factory()() as session:
        newest = session.scalars(
            select(WebSession)
            .where(WebSession.account_id == account_id, WebSession.ended_at.is_(None))
            .where(WebSession.expires_at > WebSession.created_at)
            .order_by(WebSession.id.desc())
        ).first()
    assert newest is not None
    return newest.csrf_token


def account(account_id: int) -> StaffAccount:
    with session_factory()() as session:
        found = session.get(StaffAccount, account_id)
    assert found is not None
    return found
