"""The readiness page and the board of a rescue operation: who sees them, what they show."""

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casework.account_models import StaffAccount
from casework.capacity_replies import Outcome, handle_capacity_answer
from casework.capacity_requests import request_capacity
from casework.models import Case
from casework.operation_cases import put_under_operation
from casework.operation_models import OperationPlan
from casework.operations import checked_details, plan_operation
from passage.config import Settings, unit_of_work
from referral_directory.match_values import MatchingRules
from tests.api.staff_world import (
    PASSWORD,
    SPARES,
    World,
    build_world,
    csrf_in,
    log_in,
    make_app,
)
from tests.casework.referral_builders import NOW, ready_case
from translations.catalog import shipped_catalogs

SAFE_SITE = "Almaty"
START = NOW + timedelta(hours=2)
END = START + timedelta(hours=12)
HOUSING = shipped_catalogs().render("need.basic.housing", "en")
# What the page adds to a row no provider could be asked for.
NOBODY_ASKED = "0 (" + shipped_catalogs().render("inbox.operation.nobody_asked", "en") + ")"


@pytest.fixture
def world(database: Settings, tmp_path: Path) -> World:
    return build_world(tmp_path)


@pytest.fixture
def code(world: World) -> str:
    """Olga's plan in the world's Almaty shelters: two shelters asked for the adults, one of
    them holds 3 places by SMS; no shelter takes the minors; nobody interprets Russian."""
    with unit_of_work() as session:
        officer = session.get(StaffAccount, world.accounts["officer"])
        assert officer is not None
        details = checked_details(
            adults={"female": 4},
            minors={"female": 2},
            languages=["ru"],
            needs=["basic.housing", "services.interpretation"],
            window_start=START,
            window_end=END,
            safe_site_region=SAFE_SITE,
        )
        plan = plan_operation(session, officer, details, now=NOW)
        asked = request_capacity(session, plan, MatchingRules(), now=NOW, providers_per_need=2)
        assert [(r.need_id, r.for_minors, r.places_wanted) for r in asked] == [
            ("basic.housing", False, 4),
            ("basic.housing", False, 4),
        ]
        answer = handle_capacity_answer(
            session, sender=asked[0].recipient, body=f"HOLD {asked[0].code} 3", now=NOW
        )
        assert answer is not None and answer.outcome is Outcome.HELD
        return plan.code


@pytest.fixture
def client(world: World) -> TestClient:
    return TestClient(make_app(), follow_redirects=False)


def rows(page: str) -> list[list[str]]:
    """The text of each cell, header cells included, row by row, of every table on the page."""
    return [
        [
            re.sub(r"<[^>]*>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)
    ]


def test_the_coordinator_of_the_region_sees_places_held_missing_and_unanswered(
    client: TestClient, world: World, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    log_in(client, "coordinator", world)
    caplog.set_level(logging.DEBUG)

    page = client.get(f"/operations/{code}")

    assert page.status_code == 200
    assert f"Readiness of operation {code}" in page.text
    assert SAFE_SITE in page.text and "2026-11-23 11:00 UTC to 2026-11-23 23:00 UTC" in page.text
    assert '<caption id="places-caption">Places per need</caption>' in page.text
    assert rows(page.text) == [
        ["Need", "For", "Places wanted", "Held", "Still missing", "Providers not answering"],
        # Two shelters asked for the adults: one holds 3 places, the other has not answered.
        [HOUSING, "Adults", "4", "3", "1", "1"],
        # Presumed minors apart: no shelter here takes children, so none was asked.
        [HOUSING, "Presumed minors", "2", "0", "2", NOBODY_ASKED],
        ["Language", "Held"],
        ["Russian", "0"],
    ]
    ours = [r for r in caplog.records if not r.name.startswith(("httpx", "asyncio"))]
    assert not [r for r in ours if SAFE_SITE in r.getMessage() or code in r.getMessage()]
    assert client.get(f"/operations/{code.lower()}").status_code == 200  # typed as it comes


def test_the_lookup_form_leads_to_the_page(client: TestClient, world: World, code: str) -> None:
    log_in(client, "officer", world)
    form = client.get("/operations")
    assert form.status_code == 200 and 'action="/operations"' in form.text

    found = client.get("/operations", params={"code": f" {code.lower()} "})

    assert (found.status_code, found.headers["location"]) == (303, f"/operations/{code}")
    assert client.get(found.headers["location"]).status_code == 200  # the planner sees it
    wrong = client.get("/operations", params={"code": "AAAA-AAAA"})
    assert wrong.status_code == 422 and 'role="alert"' in wrong.text


def log_in_spare(client: TestClient, who: str) -> None:
    """A spare account has a password and no second factor."""
    form = client.get("/intake/login")
    answer = client.post(
        "/intake/login",
        data={"username": SPARES[who][0], "password": PASSWORD, "csrf": csrf_in(form.text)},
    )
    assert answer.status_code == 303 and "passage_intake" in client.cookies


def test_another_region_sees_the_same_404_as_an_unknown_code(
    client: TestClient, world: World, code: str
) -> None:
    log_in_spare(client, "spare_coordinator")  # a coordinator of the south

    elsewhere = client.get(f"/operations/{code}")
    unknown = client.get("/operations/OP-AAAAAA")
    not_a_code = client.get("/operations/<b>")

    assert elsewhere.status_code == unknown.status_code == not_a_code.status_code == 404
    assert elsewhere.text == unknown.text
    assert SAFE_SITE not in elsewhere.text


def test_roles_that_never_plan_operations_are_refused(
    client: TestClient, world: World, code: str
) -> None:
    log_in(client, "caseworker", world)  # of Olga's unit, still not one who plans
    assert client.get(f"/operations/{code}").status_code == 403
    assert client.get("/operations").status_code == 403


def test_strangers_are_sent_to_the_login_and_back(client: TestClient, code: str) -> None:
    answer = client.get(f"/operations/{code}")

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/intake/login?next=/operations/{code}"
    assert SAFE_SITE not in answer.text


@pytest.fixture
def child_reference(world: World, code: str) -> str:
    """The region's coordinator puts two cases under Olga's plan: her case (an adult with a
    housing referral waiting for an answer) and a presumed child with no referral."""
    with unit_of_work() as session:
        coordinator = session.get(StaffAccount, world.accounts["coordinator"])
        plan = session.scalars(select(OperationPlan).where(OperationPlan.code == code)).one()
        adult = session.scalars(select(Case).where(Case.reference == world.case_reference)).one()
        child = ready_case(session, child=True, consent_to_referrals=False)
        assert coordinator is not None
        for case in (adult, child):
            put_under_operation(session, coordinator, case, plan, now=NOW)
        return child.reference


def test_the_board_shows_each_case_by_reference_and_who_has_no_place(
    client: TestClient, world: World, code: str, child_reference: str
) -> None:
    log_in(client, "coordinator", world)

    page = client.get(f"/operations/{code}/board")

    assert page.status_code == 200
    assert f"Board of operation {code}" in page.text
    assert '<caption id="board-caption">Cases, needs and referrals</caption>' in page.text
    assert '<th scope="row">' in page.text and 'class="table-scroll"' in page.text
    assert rows(page.text) == [
        ["Case", "For", "Need", "Referral"],
        [world.case_reference, "Adult", HOUSING, "waiting for an answer"],
        [child_reference, "Presumed minor", HOUSING, "No referral yet"],
    ]
    assert SAFE_SITE not in page.text  # neither the plan's region nor the person's area
    # The readiness page and the board lead to each other.
    assert f'href="/operations/{code}"' in page.text
    assert f'href="/operations/{code}/board"' in client.get(f"/operations/{code}").text


def test_the_board_of_another_region_is_the_same_404_as_an_unknown_code(
    client: TestClient, world: World, code: str, child_reference: str
) -> None:
    log_in_spare(client, "spare_coordinator")  # a coordinator of the south

    elsewhere = client.get(f"/operations/{code}/board")
    unknown = client.get("/operations/OP-AAAAAA/board")

    assert elsewhere.status_code == unknown.status_code == 404
    assert elsewhere.text == unknown.text
    assert child_reference not in elsewhere.text and world.case_reference not in elsewhere.text
