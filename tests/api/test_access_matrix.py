"""Every route of the app against every kind of caller: who is let in, who is refused.

The table below must name every route api_app() serves; a new route fails
test_every_route_has_a_decision until someone decides who may call it. Requests use real
objects (a referral to shelter-a, a case owned by the officer) so a refusal is the rule's and
not a 404's. Allowed callers go last on each route, so what they change (an accepted referral,
a disabled account) cannot turn a refusal into a conflict.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from casework.account_models import StaffAccount
from casework.capacity_requests import RequestState, new_code
from casework.operation_models import CapacityRequest
from casework.operations import checked_details, plan_operation
from passage.config import get_settings, session_factory, unit_of_work
from passage.runtime.migrate import upgrade
from tests.api.staff_world import (
    CLOCK,
    ORG_A,
    PASSWORD,
    PEOPLE,
    World,
    build_world,
    log_in,
    make_app,
    session_csrf,
)
from tests.referral_directory.hsds_builders import sal_id


class Got(StrEnum):
    OK = "ok"
    LOGIN = "login"  # sent to the login page (303), or shown only the login form
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"  # another organization's request: answered as an unknown one


ANONYMOUS = "anonymous"
STAFF = tuple(PEOPLE)  # intake_own, intake_other, officer, caseworker, coordinator, admin
KEYS = ("key_own", "key_other")
CALLERS = (ANONYMOUS, *STAFF, *KEYS)
PUBLIC = "public"


def web(*allowed: str) -> dict[str, Got]:
    """A page behind the staff login: strangers and API keys go to the login page."""
    outcome = {caller: Got.LOGIN for caller in (ANONYMOUS, *KEYS)}
    outcome |= {who: Got.OK if who in allowed else Got.FORBIDDEN for who in STAFF}
    return outcome


def api(key_other: Got) -> dict[str, Got]:
    """The partner API: an API key only; another organization's key sees only its own."""
    outcome = {caller: Got.UNAUTHORIZED for caller in (ANONYMOUS, *STAFF)}
    return outcome | {"key_own": Got.OK, "key_other": key_other}


ALL_STAFF = STAFF
CASE_VIEWERS = ("officer", "caseworker", "coordinator")
OPERATION_VIEWERS = ("officer", "coordinator")  # the planner, the coordinator of its region
# Why each public route needs no login.
PUBLIC_ROUTES = {
    ("GET", "/openapi.json"): "the partner API's description",
    ("GET", "/health"): "liveness for the supervisor; says nothing about cases",
    ("GET", "/"): "the chat page; who a sender is, enrolment decides inside the chat",
    ("POST", "/chat/messages"): "chat messages of the cookie's conversation; unenrolled: public",
    ("POST", "/chat/forget"): "quick exit: the chat cookie is its credential; only unbinds",
    ("POST", "/channels/{channel}/push"): "Rasa's channels only: the channel's token (403)",
    ("POST", "/webhooks/telegram"): "Telegram only: the webhook's secret token (403 otherwise)",
    ("MOUNT", "/socket.io"): "web chat push: a socket joins the conversation of its own cookie",
    ("GET", "/dev/phone"): "phone sandbox: only without Twilio, only from this machine (404)",
    ("GET", "/dev/phone/messages"): "phone sandbox: only without Twilio, only from this machine",
    ("POST", "/dev/phone/reply"): "phone sandbox: only without Twilio, only from this machine",
    ("POST", "/webhooks/twilio/sms"): "signed by Twilio (X-Twilio-Signature)",
    ("POST", "/webhooks/twilio/status"): "signed by Twilio (X-Twilio-Signature)",
    ("GET", "/intake/login"): "the login form",
    ("POST", "/intake/login"): "the login itself (login CSRF cookie, lockout)",
    ("GET", "/intake/login/code"): "the TOTP step; needs the pending-login cookie",
    ("POST", "/intake/login/code"): "the TOTP step; needs the pending-login cookie and CSRF",
    ("MOUNT", "/static"): "stylesheets and the chat script",
}
EXPECTED: dict[tuple[str, str], dict[str, Got]] = {
    ("POST", "/intake/logout"): web(*ALL_STAFF),
    ("GET", "/intake"): web("intake_own", "intake_other"),
    ("GET", "/intake/referrals/{referral_id}"): web("intake_own"),
    ("POST", "/intake/referrals/{referral_id}/accept"): web("intake_own"),
    ("POST", "/intake/referrals/{referral_id}/decline"): web("intake_own"),
    ("GET", "/r/{token}"): web("intake_own"),
    ("GET", "/admin"): web("admin"),
    ("POST", "/admin/accounts"): web("admin"),
    ("POST", "/admin/accounts/{account_id}/disable"): web("admin"),
    ("POST", "/admin/accounts/{account_id}/enrolment-code"): web("admin"),
    ("POST", "/admin/accounts/{account_id}/totp"): web("admin"),
    ("GET", "/cases"): web(*CASE_VIEWERS),
    ("GET", "/cases/{reference}/disclosures"): web(*CASE_VIEWERS),
    ("GET", "/operations"): web(*OPERATION_VIEWERS),
    ("GET", "/operations/new"): web(*OPERATION_VIEWERS),
    ("POST", "/operations/new"): web(*OPERATION_VIEWERS),
    ("GET", "/operations/{code}"): web(*OPERATION_VIEWERS),
    ("GET", "/operations/{code}/board"): web(*OPERATION_VIEWERS),
    ("PUT", "/directory/service-at-locations/{service_at_location_id}/capacity"): {
        ANONYMOUS: Got.UNAUTHORIZED,
        **{who: Got.OK if who == "admin" else Got.FORBIDDEN for who in STAFF},
        "key_own": Got.OK,
        "key_other": Got.FORBIDDEN,
    },
    ("GET", "/api/v1/referrals"): api(key_other=Got.OK),
    ("GET", "/api/v1/referrals/{referral_id}"): api(key_other=Got.FORBIDDEN),
    ("POST", "/api/v1/referrals/{referral_id}/status"): api(key_other=Got.FORBIDDEN),
    ("PUT", "/api/v1/service-at-locations/{service_at_location_id}/capacity"): api(
        key_other=Got.FORBIDDEN
    ),
    ("POST", "/api/v1/capacity-requests/{code}/status"): api(key_other=Got.NOT_FOUND),
}


def served_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of everything the app answers, routers included in any depth."""
    found: set[tuple[str, str]] = set()

    def add(route: Any, path: str) -> None:
        methods = getattr(route, "methods", None)
        if methods is None:  # a mounted app (static files)
            found.add(("MOUNT", path))
        found.update((m, path) for m in methods or () if m != "HEAD")

    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is None:
            add(route, route.path)
        else:  # FastAPI keeps included routers as such; their routes carry the full path
            for context in contexts():
                add(context.original_route, context.path)
    return found


def test_every_route_has_a_decision() -> None:
    served = served_routes(make_app())
    decided = set(EXPECTED) | set(PUBLIC_ROUTES)
    assert served - decided == set(), "new routes: add them to EXPECTED or PUBLIC_ROUTES"
    assert decided - served == set(), "routes in the table that the app no longer serves"
    assert not set(EXPECTED) & set(PUBLIC_ROUTES)


@dataclass
class Callers:
    world: World
    cookies: dict[str, httpx.Cookies]
    operation_code: str  # planned by the officer
    capacity_code: str  # a capacity request of that plan to key_own's organization


def _plan_operation(world: World) -> tuple[str, str]:
    """The plan's code, and the code of a capacity request of it to shelter-a (key_own)."""
    with unit_of_work() as session:
        officer = session.get(StaffAccount, world.accounts["officer"])
        assert officer is not None
        details = checked_details(
            adults={"female": 2},
            minors={},
            languages=["ru"],
            needs=["basic.housing"],
            window_start=CLOCK,
            window_end=CLOCK + timedelta(hours=12),
            safe_site_region="Almaty",
        )
        plan = plan_operation(session, officer, details, now=CLOCK)
        request = CapacityRequest(
            operation_id=plan.id,
            code=new_code(),
            need_id="basic.housing",
            for_minors=False,
            language=None,
            service_at_location_id=sal_id("shelter-a"),
            organization_id=ORG_A,  # key_own's organization
            recipient="https://shelter-a.example.org/fhir/Task",
            provider_language="en",
            places_wanted=2,
            places_held=0,
            state=RequestState.REQUESTED.value,
            created_at=CLOCK,
        )
        session.add(request)
        return plan.code, request.code


@pytest.fixture(scope="module")
def callers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callers]:
    """One world for the module (building it and logging six people in is slow); each test
    makes its own app, so the per-address rate limit counts one route's requests only."""
    tmp_path = tmp_path_factory.mktemp("matrix")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PASSAGE_VAR_DIR", str(tmp_path / "var"))
        patch.delenv("PASSAGE_DATABASE_URL", raising=False)
        get_settings.cache_clear()
        session_factory.cache_clear()
        upgrade(get_settings().resolved_database_url)
        world = build_world(tmp_path)
        cookies = {}
        client = TestClient(make_app(), follow_redirects=False)
        for who in STAFF:
            client.cookies.clear()
            log_in(client, who, world)
            cookies[who] = httpx.Cookies(client.cookies)
        yield Callers(world, cookies, *_plan_operation(world))
        get_settings.cache_clear()
        session_factory.cache_clear()


# Each admin action has its own target, so disabling one does not change another's answer.
_ADMIN_TARGETS = {"totp": "spare_coordinator", "disable": "spare_to_disable"}


def _request(
    callers: Callers, method: str, path: str, caller: str
) -> tuple[str, str, dict[str, Any]]:
    """A request that does what the route is for, with real objects and the caller's CSRF."""
    world = callers.world
    csrf = session_csrf(world.accounts[caller]) if caller in STAFF else "no-session-no-csrf-token"
    referral_for = {
        "/intake/referrals/{referral_id}": "read",
        "/intake/referrals/{referral_id}/accept": "accept",
        "/intake/referrals/{referral_id}/decline": "decline",
        "/api/v1/referrals/{referral_id}": "read",
        "/api/v1/referrals/{referral_id}/status": "status",
    }
    url = path.format(
        referral_id=world.referrals[referral_for.get(path, "read")].id,
        token=world.referrals["link"].token,
        reference=world.case_reference,
        code=callers.capacity_code if path.startswith("/api") else callers.operation_code,
        service_at_location_id=sal_id("shelter-a"),
        account_id=world.accounts[_ADMIN_TARGETS.get(path.rsplit("/", 1)[-1], "spare_officer")],
    )
    options: dict[str, Any] = {}
    if method == "POST" and path.startswith(("/intake", "/admin")):
        options["data"] = {"csrf": csrf, "reason": "no_capacity"}
        if path == "/admin/accounts":
            options["data"] |= {
                "role": "officer",
                "organization_id": "police-east",
                "username": f"new.{caller}",
                "password": PASSWORD,
                "unit": "unit-east-1",
            }
    if method == "POST" and path == "/operations/new":
        options["data"] = {
            "csrf": csrf,
            "adults_female": "2",
            "needs": "basic.housing",
            "window_start": f"{CLOCK:%Y-%m-%dT%H:%M}",
            "window_end": f"{CLOCK + timedelta(hours=12):%Y-%m-%dT%H:%M}",
            "safe_site_region": "Almaty",
        }
    if path.endswith("/capacity"):
        options["json"] = {"available": 3}
        options["headers"] = {"X-CSRF-Token": csrf}
    if path.endswith("/status") and path.startswith("/api"):
        options["json"] = {"status": "accepted"}
        if "/capacity-requests/" in path:
            options["json"] |= {"places": 1}
    return method, url, options


def _outcome(response: httpx.Response) -> Got | int:
    location = response.headers.get("location", "")
    if response.status_code == 303 and location.startswith("/intake/login?next="):
        return Got.LOGIN  # (a finished logout goes to the bare /intake/login: that is OK)
    if response.status_code == 200 and 'action="/intake/login"' in response.text:
        return Got.LOGIN  # /r/{token} shows the bare login form to strangers
    if response.status_code == 401:
        return Got.UNAUTHORIZED
    if response.status_code == 403:
        return Got.FORBIDDEN
    if response.status_code == 404 and "/api/v1/capacity-requests/" in str(response.url):
        return Got.NOT_FOUND
    if response.status_code < 400:
        return Got.OK
    return response.status_code  # anything else is a mistake in the request or the route


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED))
def test_who_may_call_the_route(callers: Callers, method: str, path: str) -> None:
    expected = EXPECTED[(method, path)]
    assert set(expected) == set(CALLERS), "every kind of caller needs an expectation"
    app = make_app()
    order = sorted(CALLERS, key=lambda caller: expected[caller] is Got.OK)
    got: dict[str, Got | int] = {}
    for caller in order:
        client = TestClient(app, follow_redirects=False)
        if caller in STAFF:
            client.cookies = callers.cookies[caller]
        if caller in KEYS:
            client.headers["Authorization"] = f"Bearer {callers.world.keys[caller]}"
        if path == "/intake/logout" and caller in STAFF:
            client.cookies.clear()  # logging out ends the session: use a fresh one
            log_in(client, caller, callers.world, later_steps=1)
        verb, url, options = _request(callers, method, path, caller)
        got[caller] = _outcome(client.request(verb, url, **options))
    assert got == expected


def test_public_routes_answer_strangers(callers: Callers) -> None:
    client = TestClient(make_app(), follow_redirects=False)
    for path in ("/openapi.json", "/intake/login", "/static/intake.css"):
        assert client.get(path).status_code == 200, path
    assert client.get("/intake/login/code").headers["location"] == "/intake/login"
