"""Web login for every role (with the TOTP step), the admin pages and the disclosure view."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casework.account_models import StaffAccount
from casework.accounts import create_account
from casework.referral_models import AuditEntry
from casework.roles import OFFICER
from casework.totp import code_at, time_step
from passage.config import Settings, session_factory, unit_of_work
from tests.api.staff_world import (
    CLOCK,
    PASSWORD,
    PEOPLE,
    World,
    account,
    build_world,
    csrf_in,
    log_in,
    make_app,
)


@pytest.fixture
def world(database: Settings, tmp_path: Path) -> World:
    return build_world(tmp_path)


@pytest.fixture
def client(world: World) -> TestClient:
    return TestClient(make_app(), follow_redirects=False)


def audit(action: str) -> list[AuditEntry]:
    with session_factory()() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


@pytest.mark.parametrize(
    ("who", "home"),
    [("intake_own", "/intake"), ("officer", "/cases"), ("admin", "/admin")],
)
def test_each_role_lands_on_its_own_page(
    client: TestClient, world: World, who: str, home: str
) -> None:
    log_in(client, who, world)
    assert client.get("/intake/login").headers["location"] == home
    assert client.get(home).status_code == 200


def password_step(client: TestClient, who: str) -> str:
    form = client.get("/intake/login")
    answer = client.post(
        "/intake/login",
        data={"username": PEOPLE[who][0], "password": PASSWORD, "csrf": csrf_in(form.text)},
    )
    assert answer.headers["location"] == "/intake/login/code"
    return csrf_in(client.get("/intake/login/code").text)


def test_the_code_step_is_needed_csrf_checked_and_audited(client: TestClient, world: World) -> None:
    csrf = password_step(client, "coordinator")
    # The pending login is not a session: no page opens with it.
    assert client.get("/cases").status_code == 303
    assert client.post("/intake/login/code", data={"code": "123456"}).status_code == 403
    wrong = client.post("/intake/login/code", data={"code": "000000", "csrf": csrf})
    assert wrong.status_code == 401
    assert "Wrong or already used code" in wrong.text
    assert account(world.accounts["coordinator"]).failed_logins == 1

    code = code_at(world.secrets["coordinator"], time_step(CLOCK))
    right = client.post("/intake/login/code", data={"code": code, "csrf": csrf})

    assert (right.status_code, right.headers["location"]) == (303, "/cases")
    assert account(world.accounts["coordinator"]).failed_logins == 0
    logins = [(e.actor, e.outcome, e.detail) for e in audit("login")]
    assert logins == [
        ("cora.coordinator", "second_factor", "step=password"),
        ("cora.coordinator", "failure", "step=code"),
        ("cora.coordinator", "success", "step=code"),
    ]
    assert {(e.source, e.purpose) for e in audit("login")} == {("testclient", "login")}


def test_the_admin_page_lists_accounts_without_secrets(client: TestClient, world: World) -> None:
    log_in(client, "admin", world)
    page = client.get("/admin")
    assert page.status_code == 200
    assert "olga.officer" in page.text and "alice" in page.text
    assert "argon2" not in page.text and world.secrets["admin"] not in page.text
    assert "<script" not in page.text and "style=" not in page.text


def test_an_admin_adds_an_account_with_csrf_only(client: TestClient, world: World) -> None:
    log_in(client, "admin", world)
    csrf = csrf_in(client.get("/admin").text)
    form = {
        "role": OFFICER,
        "organization_id": "police-east",
        "username": "eve.officer",
        "password": PASSWORD,
        "unit": "unit-east-1",
    }
    assert client.post("/admin/accounts", data=form).status_code == 403
    bad = client.post("/admin/accounts", data=form | {"csrf": csrf, "unit": ""})
    assert bad.status_code == 422 and "need a unit" in bad.text

    added = client.post("/admin/accounts", data=form | {"csrf": csrf})

    assert (added.status_code, added.headers["location"]) == (303, "/admin")
    with session_factory()() as session:
        made = session.scalars(
            select(StaffAccount).where(StaffAccount.username == "eve.officer")
        ).one()
    assert (made.role, made.unit) == (OFFICER, "unit-east-1")
    created = [e for e in audit("account.created") if e.actor != "test"]  # not the world's
    assert [(e.actor, e.detail, e.source) for e in created] == [
        ("adam.admin", "account=eve.officer", "testclient")
    ]


def test_an_admin_issues_codes_and_totp_shown_once(client: TestClient, world: World) -> None:
    log_in(client, "admin", world)
    csrf = csrf_in(client.get("/admin").text)
    officer, coordinator = world.accounts["spare_officer"], world.accounts["spare_coordinator"]

    code_page = client.post(f"/admin/accounts/{officer}/enrolment-code", data={"csrf": csrf})
    totp_page = client.post(f"/admin/accounts/{coordinator}/totp", data={"csrf": csrf})
    no_totp = client.post(f"/admin/accounts/{officer}/totp", data={"csrf": csrf})

    assert code_page.status_code == 200 and "sam.spare" in code_page.text
    secret = account(coordinator).totp_secret
    assert (
        secret and secret in totp_page.text and "otpauth://totp/Passage:sue.spare" in totp_page.text
    )
    assert no_totp.status_code == 409
    assert secret not in client.get("/admin").text


def test_an_admin_disables_an_account_but_not_their_own(client: TestClient, world: World) -> None:
    log_in(client, "admin", world)
    csrf = csrf_in(client.get("/admin").text)
    target = world.accounts["spare_officer"]
    assert client.post(f"/admin/accounts/{target}/disable", data={"csrf": csrf}).status_code == 303
    assert account(target).disabled
    own = client.post(f"/admin/accounts/{world.accounts['admin']}/disable", data={"csrf": csrf})
    assert own.status_code == 409
    assert not account(world.accounts["admin"]).disabled


def test_the_disclosure_view_lists_the_cases_audit_and_is_audited(
    client: TestClient, world: World
) -> None:
    log_in(client, "caseworker", world)
    page = client.get(f"/cases/{world.case_reference}/disclosures")
    assert page.status_code == 200
    assert "case.disclosures_viewed" in page.text and "carl.caseworker" in page.text
    viewed = audit("case.disclosures_viewed")
    assert [(e.actor, e.outcome, e.source, e.purpose) for e in viewed] == [
        ("carl.caseworker", "shown", "testclient", "disclosure")
    ]
    lookup = client.get("/cases", params={"reference": world.case_reference.lower()})
    assert lookup.headers["location"] == f"/cases/{world.case_reference}/disclosures"
    assert client.get("/cases", params={"reference": "nope"}).status_code == 422
    assert client.get("/cases/AAAA-AAAA/disclosures").status_code == 404


def test_an_officer_who_does_not_own_the_case_is_refused_and_audited(
    client: TestClient, world: World
) -> None:
    with unit_of_work() as session:
        create_account(
            session,
            role=OFFICER,
            organization_id="police-north",
            username="other.officer",
            password=PASSWORD,
            unit="unit-north-2",
            region="north",
            now=CLOCK,
            actor="test",
            source="test",
        )
    form = client.get("/intake/login")
    client.post(
        "/intake/login",
        data={"username": "other.officer", "password": PASSWORD, "csrf": csrf_in(form.text)},
    )
    assert client.get(f"/cases/{world.case_reference}/disclosures").status_code == 404
    assert [e.outcome for e in audit("case.disclosures_viewed")] == ["refused"]
