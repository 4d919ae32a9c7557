"""Planning a rescue operation on a page (/operations/new): who gets the form, what a plan made
there queues, and what hostile input gets back (a 4xx with every value kept, never a 500)."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import func, select

from casework.capacity_requests import requests_of
from casework.operation_models import OperationPlan
from casework.operations import GENDER_KEYS as GENDERS
from casework.operations import OPERATION_NEEDS, details_of
from casework.outbox import Kind
from casework.referral_models import OutboxMessage
from passage.config import Settings, session_factory
from tests.api.staff_world import CLOCK, World, build_world, log_in, make_app, session_csrf
from tests.api.test_operation_pages import log_in_spare
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()
START = CLOCK + timedelta(hours=2)
END = START + timedelta(hours=12)
SAFE_SITE = "Almaty"
TIME = "%Y-%m-%dT%H:%M"
COUNTS = [f"{group}_{gender}" for group in ("adults", "minors") for gender in GENDERS]


def en(message_id: str, **values: object) -> str:
    return CATALOGS.render(message_id, "en", **values)


@pytest.fixture
def world(database: Settings, tmp_path: Path) -> World:
    return build_world(tmp_path)


@pytest.fixture
def client(world: World) -> TestClient:
    return TestClient(make_app(), follow_redirects=False)


@pytest.fixture
def officer(client: TestClient, world: World) -> TestClient:
    log_in(client, "officer", world)
    return client


def valid_form(world: World, who: str | None = "officer") -> dict[str, Any]:
    """Olga's plan: 4 women and 2 presumed girls who may speak Russian or Khmer, shelter and
    interpreters, in Almaty, for twelve hours from two hours from now; with the CSRF token of
    `who`'s session (None: someone not logged in)."""
    return {
        "csrf": session_csrf(world.accounts[who]) if who else "no-session",
        "adults_female": "4",
        "adults_male": "0",
        "adults_unknown": "",
        "minors_female": "2",
        "minors_male": "0",
        "minors_unknown": "0",
        "languages": ["ru", "km"],
        "needs": ["basic.housing", "services.interpretation"],
        "window_start": START.strftime(TIME),
        "window_end": END.strftime(TIME),
        "safe_site_region": SAFE_SITE,
    }


def plans() -> int:
    with session_factory()() as session:
        return int(session.scalar(select(func.count()).select_from(OperationPlan)) or 0)


def checked_boxes(page: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{name}" value="([^"]+)" checked', page))


def test_an_officer_gets_the_form_from_the_lookup_page(officer: TestClient) -> None:
    lookup = officer.get("/operations")
    assert 'href="/operations/new"' in lookup.text and en("inbox.operations.new") in lookup.text

    page = officer.get("/operations/new")

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = page.text
    assert 'action="/operations/new"' in text and 'name="csrf"' in text
    # The note that keeps the operation out of the plan, and what providers learn.
    assert en("inbox.plan.never") in text and en("inbox.plan.providers_told") in text
    # Every input has a label; groups of inputs are fieldsets with a legend.
    assert text.count("<fieldset") == text.count("<legend>") == 6
    inputs = re.findall(r"<input [^>]*>", text)
    visible = [i for i in inputs if 'type="hidden"' not in i]
    assert len(visible) == 6 + len(CATALOGS.person_languages) + 9 + 2 + 1
    assert text.count("<label") == len(visible)
    # Numbers by group and gender; the person's languages and the needs named in English.
    for group in ("adults", "minors"):
        for gender in ("female", "male", "unknown"):
            assert f'name="{group}_{gender}"' in text
    assert f">{en('inbox.language.km')}<" in text and f">{en('inbox.language.zh')}<" in text
    assert f">{en('need.basic.housing')}<" in text
    assert f">{en('need.child.protection')}<" in text
    # Times are UTC, and the page says what time it is in UTC.
    assert text.count('type="datetime-local"') == 2
    assert en("inbox.plan.start") in text and "UTC" in en("inbox.plan.start")
    assert f"{CLOCK:%Y-%m-%d %H:%M} UTC" in text


def test_the_form_speaks_the_officers_language(officer: TestClient) -> None:
    page = officer.get("/operations/new", params={"lang": "fr"})

    assert CATALOGS.render("inbox.plan.title", "fr") in page.text
    for message_id in ("inbox.language.km", "need.basic.housing"):
        assert f">{escape(CATALOGS.render(message_id, 'fr'))}<" in page.text, message_id


@pytest.mark.parametrize("who", ["caseworker", "intake_own", "admin"])
def test_roles_that_never_plan_are_refused_before_anything(
    client: TestClient, world: World, who: str
) -> None:
    log_in(client, who, world)
    form = valid_form(world, who)

    assert client.get("/operations/new").status_code == 403
    assert client.post("/operations/new", data=form).status_code == 403
    assert plans() == 0


def test_strangers_are_sent_to_the_login(client: TestClient, world: World) -> None:
    answer = client.get("/operations/new")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/intake/login?next=/operations/new"
    assert client.post("/operations/new", data=valid_form(world, None)).status_code == 303
    assert plans() == 0


def test_a_post_without_the_sessions_csrf_token_is_refused(
    officer: TestClient, world: World
) -> None:
    answer = officer.post("/operations/new", data=valid_form(world) | {"csrf": "forged"})

    assert answer.status_code == 403
    assert plans() == 0


def test_a_plan_made_on_the_page_queues_capacity_requests_shown_on_readiness(
    officer: TestClient, world: World
) -> None:
    answer = officer.post("/operations/new", data=valid_form(world))

    assert answer.status_code == 303
    found = re.fullmatch(r"/operations/(OP-[A-Z0-9]{6})\?planned=1", answer.headers["location"])
    assert found, answer.headers["location"]
    code = found.group(1)
    with session_factory()() as session:
        plan = session.scalars(select(OperationPlan).where(OperationPlan.code == code)).one()
        details = details_of(plan)
        asked = requests_of(session, plan)
        sms = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == Kind.SMS.value))
        queued = [m for m in sms if any(r.code in m.body for r in asked)]
    assert plan.officer_account_id == world.accounts["officer"]
    assert (details.adults, details.minors) == (
        {"female": 4, "male": 0, "unknown": 0},
        {"female": 2, "male": 0, "unknown": 0},
    )
    assert details.languages == ("ru", "km") and details.safe_site_region == SAFE_SITE
    assert (details.window_start, details.window_end) == (
        START.replace(second=0, microsecond=0),
        END.replace(second=0, microsecond=0),
    )
    # The world's Almaty shelters take adult women only, and nobody interprets here.
    assert [(r.need_id, r.for_minors, r.places_wanted) for r in asked] == [
        ("basic.housing", False, 4)
    ]
    assert [m.state for m in queued] == ["pending"]  # in the outbox, for the worker

    page = officer.get(answer.headers["location"])

    assert page.status_code == 200
    assert en("inbox.operation.planned", count=1) in page.text
    assert "queued" in en("inbox.operation.planned", count=1)
    assert (
        officer.get(f"/operations/{code}").text.count(en("inbox.operation.planned", count=1)) == 0
    )


def test_a_plan_nobody_can_be_asked_for_says_so(officer: TestClient, world: World) -> None:
    form = valid_form(world) | {"needs": ["services.immigration"]}

    answer = officer.post("/operations/new", data=form)

    page = officer.get(answer.headers["location"])
    assert en("inbox.operation.planned_none") in page.text


def test_a_coordinator_of_another_region_cannot_see_the_plan_made(
    client: TestClient, world: World
) -> None:
    log_in(client, "officer", world)
    code = client.post("/operations/new", data=valid_form(world)).headers["location"]
    code = code.split("/")[2].split("?")[0]
    client.cookies.clear()

    log_in_spare(client, "spare_coordinator")  # a coordinator of the south

    elsewhere = client.get(f"/operations/{code}")
    assert elsewhere.status_code == 404 and SAFE_SITE not in elsewhere.text
    assert elsewhere.text == client.get("/operations/OP-AAAAAA").text
    client.cookies.clear()
    log_in(client, "coordinator", world)  # of the officer's region
    assert client.get(f"/operations/{code}").status_code == 200


LONG_REGION = "R" * 5000
HOSTILE: dict[str, tuple[dict[str, Any], str, str]] = {
    # case: (fields changed, where the error shows, its text)
    "negative": ({"adults_female": "-3"}, "adults_female", "inbox.plan.error.count"),
    "huge": ({"minors_male": "9" * 400}, "minors_male", "inbox.plan.error.count"),
    "over_the_limit": ({"adults_male": "501"}, "adults_male", "inbox.plan.error.count"),
    "text": ({"adults_unknown": "four"}, "adults_unknown", "inbox.plan.error.count"),
    "fraction": ({"adults_female": "2.5"}, "adults_female", "inbox.plan.error.count"),
    "other_digits": ({"adults_female": "٣"}, "adults_female", "inbox.plan.error.count"),
    "nobody": (
        {"adults_female": "0", "minors_female": ""},
        "persons",
        "inbox.plan.error.persons",
    ),
    "too_many": (
        {"adults_female": "300", "minors_female": "300"},
        "persons",
        "inbox.plan.error.persons",
    ),
    "unknown_language": ({"languages": ["ru", "xx"]}, "languages", "inbox.plan.error.languages"),
    "unknown_need": ({"needs": ["basic.housing", "raid"]}, "needs", "inbox.plan.error.needs"),
    "need_not_offered": (
        {"needs": ["rights.offender_movement"]},
        "needs",
        "inbox.plan.error.needs",
    ),
    "no_need": ({"needs": []}, "needs", "inbox.plan.error.needs"),
    "end_before_start": (
        {"window_end": (START - timedelta(hours=1)).strftime(TIME)},
        "window_end",
        "inbox.plan.error.window",
    ),
    "too_long": (
        {"window_end": (START + timedelta(days=20)).strftime(TIME)},
        "window_end",
        "inbox.plan.error.window",
    ),
    "ended": (
        {
            "window_start": (CLOCK - timedelta(hours=5)).strftime(TIME),
            "window_end": (CLOCK - timedelta(hours=1)).strftime(TIME),
        },
        "window_end",
        "inbox.plan.error.ended",
    ),
    "not_a_time": ({"window_start": "tomorrow at noon"}, "window_start", "inbox.plan.error.time"),
    "no_such_day": ({"window_start": "2026-02-31T10:00"}, "window_start", "inbox.plan.error.time"),
    "with_an_offset": (
        {"window_end": END.strftime(TIME) + "+05:00"},
        "window_end",
        "inbox.plan.error.time",
    ),
    "long_region": (
        {"safe_site_region": LONG_REGION},
        "safe_site_region",
        "inbox.plan.error.region",
    ),
    "blank_region": ({"safe_site_region": "   "}, "safe_site_region", "inbox.plan.error.region"),
}


def test_hostile_input_gets_the_form_back_with_the_error_and_every_value(
    officer: TestClient, world: World
) -> None:
    """One world for every case (building it is slow); no case makes a plan."""
    for case, (changed, field, text) in HOSTILE.items():
        form = valid_form(world) | changed

        answer = officer.post("/operations/new", data=form)

        assert answer.status_code == 422, case
        page = answer.text
        assert 'role="alert"' in page and en("inbox.plan.failed") in page, case
        error = re.search(rf'<p class="error field-error" id="{field}-error">([^<]*)</p>', page)
        assert error, case
        assert error.group(1) == escape(en(text, max=500, days=14, chars=64)), case
        assert f'{field}-error"' in page.split(f'id="{field}-error"')[0], case  # described by
        # Every value typed is still there (escaped as any value is).
        for name in (*COUNTS, "window_start", "window_end", "safe_site_region"):
            assert f'name="{name}" value="{escape(form[name])}"' in page, (case, name)
        shown = set(CATALOGS.person_languages)
        assert checked_boxes(page, "languages") == set(form["languages"]) & shown, case
        assert checked_boxes(page, "needs") == set(form["needs"]) & set(OPERATION_NEEDS), case
        assert plans() == 0, case


def test_a_post_with_no_fields_gets_every_missing_one_marked(
    officer: TestClient, world: World
) -> None:
    answer = officer.post("/operations/new", data={"csrf": session_csrf(world.accounts["officer"])})

    assert answer.status_code == 422
    assert 'id="window_start-error"' in answer.text and 'id="window_end-error"' in answer.text
    assert plans() == 0


def test_values_shown_again_are_escaped(officer: TestClient, world: World) -> None:
    form = valid_form(world) | {
        "safe_site_region": '"><script>alert(1)</script>',
        "adults_male": '"><b>',
        "languages": ['"><i>'],
    }

    answer = officer.post("/operations/new", data=form)

    assert answer.status_code == 422
    assert "<script>" not in answer.text and "<b>" not in answer.text and "<i>" not in answer.text
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
