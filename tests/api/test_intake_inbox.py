"""The intake inbox pages against the migrated database: login, own referrals only, CSRF, the
single-use SMS link that reveals nothing before login, consent, and the security headers."""

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import deps
from api.security_headers import CONTENT_SECURITY_POLICY
from casework.account_models import StaffAccount
from casework.accounts import create_staff_account
from casework.consent import withdraw_all
from casework.models import Case
from casework.outbox import Kind
from casework.proposals import choose_provider
from casework.referral_models import OutboxMessage, Referral
from casework.referrals import send_chosen_referral
from passage.config import Settings, session_factory, unit_of_work
from passage.runtime.api_app import api_app
from tests.casework.referral_builders import NOW, OFFICER, POLICY, ready_case, shelters
from tests.referral_directory.hsds_builders import sal_id, uid

# The pages' clock: five minutes after the referrals were sent.
CLOCK = NOW + timedelta(minutes=5)
PASSWORD = "correct horse battery"
ORG_A = uid("organization/shelter-a")
ORG_B = uid("organization/shelter-b")
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


@dataclass(frozen=True)
class Sent:
    id: int
    code: str
    token: str


@dataclass(frozen=True)
class World:
    """One referral to shelter-a (staff: alice) and one to shelter-b (staff: bob)."""

    a: Sent
    b: Sent


def refer(session: Session, shelter: str) -> Sent:
    case = ready_case(session)
    if shelter != "shelter-a":
        choose_provider(session, case, "basic.housing", sal_id(shelter), POLICY.rules, now=NOW)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    sms = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.referral_id == referral.id, OutboxMessage.kind == Kind.SMS.value
        )
    ).one()
    return Sent(referral.id, referral.code, sms.body.rsplit("/r/", 1)[1])


def build_world(tmp_path: Path) -> World:
    with unit_of_work() as session:
        shelters(session, tmp_path)
        world = World(refer(session, "shelter-a"), refer(session, "shelter-b"))
        create_staff_account(
            session, ORG_A, "alice", PASSWORD, now=NOW, actor="test", source="test"
        )
        create_staff_account(session, ORG_B, "bob", PASSWORD, now=NOW, actor="test", source="test")
    return world


def make_client() -> TestClient:
    app = api_app()
    app.dependency_overrides[deps.current_time] = lambda: CLOCK
    return TestClient(app, follow_redirects=False)


def stored(referral_id: int) -> Referral:
    with session_factory()() as session:
        referral = session.get(Referral, referral_id)
    assert referral is not None
    return referral


@pytest.fixture
def world(database: Settings, tmp_path: Path) -> World:
    return build_world(tmp_path)


@pytest.fixture
def client(world: World) -> TestClient:
    return make_client()


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, "the page has no CSRF field"
    return found.group(1)


def log_in(
    client: TestClient, username: str = "alice", password: str = PASSWORD, next_path: str = ""
) -> httpx.Response:
    form = client.get("/intake/login")
    return client.post(
        "/intake/login",
        data={
            "username": username,
            "password": password,
            "csrf": csrf_of(form),
            "next": next_path,
        },
    )


def test_pages_send_strangers_to_the_login(client: TestClient, world: World) -> None:
    inbox = client.get("/intake")
    detail = client.get(f"/intake/referrals/{world.a.id}")

    assert (inbox.status_code, inbox.headers["location"]) == (303, "/intake/login?next=/intake")
    assert detail.status_code == 303
    assert detail.headers["location"] == f"/intake/login?next=/intake/referrals/{world.a.id}"
    login_page = client.get(detail.headers["location"])
    assert login_page.status_code == 200
    assert f'name="next" value="/intake/referrals/{world.a.id}"' in login_page.text


def test_a_wrong_password_is_refused_generically_and_counted(client: TestClient) -> None:
    response = log_in(client, password="wrong password!")

    assert response.status_code == 401
    assert "Wrong username or password, or the account is locked" in response.text
    assert "passage_intake" not in response.headers.get("set-cookie", "")
    with session_factory()() as session:
        account = session.scalars(select(StaffAccount).where(StaffAccount.username == "alice"))
        assert account.one().failed_logins == 1
    assert log_in(client, username="nobody").status_code == 401


def test_logging_in_sets_an_http_only_session_cookie(client: TestClient) -> None:
    response = log_in(client)

    assert (response.status_code, response.headers["location"]) == (303, "/intake")
    session_cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("passage_intake=")
    )
    assert "HttpOnly" in session_cookie
    assert "samesite=strict" in session_cookie.lower()
    assert "Path=/;" in session_cookie or session_cookie.endswith("Path=/")
    # The default public base URL is http: a Secure cookie would never come back.
    assert "Secure" not in session_cookie
    assert client.get("/intake").status_code == 200


def test_the_login_form_needs_its_csrf_cookie(client: TestClient) -> None:
    response = client.post(
        "/intake/login", data={"username": "alice", "password": PASSWORD, "csrf": "forged"}
    )

    assert response.status_code == 403
    assert "passage_intake=" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("next_path", "lands_on"),
    [
        ("/intake/referrals/7", "/intake/referrals/7"),
        ("//evil.example.com/intake", "/intake"),
        ("https://evil.example.com/", "/intake"),
        ("/\\evil.example.com", "/intake"),
        ("/r/../../elsewhere", "/intake"),
    ],
)
def test_login_leads_back_only_to_our_pages(
    client: TestClient, next_path: str, lands_on: str
) -> None:
    assert log_in(client, next_path=next_path).headers["location"] == lands_on


def test_staff_see_only_their_organizations_referrals(client: TestClient, world: World) -> None:
    log_in(client)

    inbox = client.get("/intake")
    assert world.a.code in inbox.text
    assert world.b.code not in inbox.text
    assert "25 min left to answer" in inbox.text

    assert client.get(f"/intake/referrals/{world.b.id}").status_code == 403
    assert client.get(f"/intake/referrals/{world.b.id + 1000}").status_code == 404
    csrf = csrf_of(client.get(f"/intake/referrals/{world.a.id}"))
    answer = client.post(f"/intake/referrals/{world.b.id}/accept", data={"csrf": csrf})
    assert answer.status_code == 403
    assert stored(world.b.id).status == "requested"


@pytest.mark.parametrize("csrf", [None, "", "wrong-token"])
def test_answers_need_the_sessions_csrf_token(
    client: TestClient, world: World, csrf: str | None
) -> None:
    log_in(client)

    data = {} if csrf is None else {"csrf": csrf}
    response = client.post(f"/intake/referrals/{world.a.id}/accept", data=data)

    assert response.status_code == 403
    assert stored(world.a.id).status == "requested"


def test_accepting_tells_the_officer(client: TestClient, world: World) -> None:
    log_in(client)
    page = client.get(f"/intake/referrals/{world.a.id}")

    response = client.post(f"/intake/referrals/{world.a.id}/accept", data={"csrf": csrf_of(page)})

    assert response.status_code == 303
    assert response.headers["location"] == f"/intake/referrals/{world.a.id}"
    assert stored(world.a.id).status == "accepted"
    with session_factory()() as session:
        notices = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == Kind.OFFICER_NOTICE.value,
                OutboxMessage.referral_id == world.a.id,
            )
        ).all()
    assert len(notices) == 1
    again = client.post(f"/intake/referrals/{world.a.id}/accept", data={"csrf": csrf_of(page)})
    assert again.status_code == 409


def test_declining_keeps_the_reason_and_note(client: TestClient, world: World) -> None:
    log_in(client)
    page = client.get(f"/intake/referrals/{world.a.id}")
    assert '<option value="no_capacity">no free place</option>' in page.text

    response = client.post(
        f"/intake/referrals/{world.a.id}/decline",
        data={"csrf": csrf_of(page), "reason": "no_capacity", "note": "full until Monday"},
    )

    assert response.status_code == 303
    referral = stored(world.a.id)
    assert (referral.status, referral.status_reason, referral.status_text) == (
        "rejected",
        "no_capacity",
        "full until Monday",
    )
    after = client.get(f"/intake/referrals/{world.a.id}")
    assert "full until Monday" in after.text
    assert 'action="/intake/referrals' not in after.text


def test_a_decline_with_an_unknown_reason_or_a_long_note_changes_nothing(
    client: TestClient, world: World
) -> None:
    log_in(client)
    csrf = csrf_of(client.get(f"/intake/referrals/{world.a.id}"))
    url = f"/intake/referrals/{world.a.id}/decline"

    assert client.post(url, data={"csrf": csrf, "reason": "no_response"}).status_code == 422
    assert client.post(url, data={"csrf": csrf, "note": "x" * 501}).status_code == 422
    assert stored(world.a.id).status == "requested"


def test_the_sms_link_shows_only_a_login_form_before_login(
    client: TestClient, world: World
) -> None:
    response = client.get(f"/r/{world.a.token}")

    assert response.status_code == 200
    assert 'action="/intake/login"' in response.text
    assert f'name="next" value="/r/{world.a.token}"' in response.text
    assert world.a.code not in response.text
    assert "shelter" not in response.text.lower()  # the organization and the category
    assert stored(world.a.id).link_used_at is None


def test_after_login_the_link_leads_to_the_referral_once(client: TestClient, world: World) -> None:
    login = log_in(client, next_path=f"/r/{world.a.token}")
    assert login.headers["location"] == f"/r/{world.a.token}"

    opened = client.get(f"/r/{world.a.token}")

    assert opened.status_code == 303
    assert opened.headers["location"] == f"/intake/referrals/{world.a.id}"
    assert stored(world.a.id).link_used_at == CLOCK
    assert client.get(f"/r/{world.a.token}").status_code == 410


def test_another_organizations_staff_cannot_spend_the_link(
    client: TestClient, world: World
) -> None:
    log_in(client, username="bob")

    assert client.get(f"/r/{world.a.token}").status_code == 403
    assert stored(world.a.id).link_used_at is None


def test_an_expired_link_is_gone(client: TestClient, world: World) -> None:
    with unit_of_work() as session:
        referral = session.get(Referral, world.a.id)
        assert referral is not None
        referral.link_expires_at = CLOCK - timedelta(seconds=1)
    log_in(client)

    gone = client.get(f"/r/{world.a.token}")

    assert gone.status_code == 410
    assert "This link no longer works" in gone.text
    assert client.get("/r/not-a-token").status_code == 410


def test_details_are_hidden_once_consent_is_withdrawn(client: TestClient, world: World) -> None:
    log_in(client)
    before = client.get(f"/intake/referrals/{world.a.id}")
    assert "Housing: emergency or temporary" in before.text
    assert "female" in before.text

    with unit_of_work() as session:
        referral = session.get(Referral, world.a.id)
        assert referral is not None
        case = session.get(Case, referral.case_id)
        assert case is not None
        withdraw_all(session, case, now=CLOCK - timedelta(minutes=1))
    after = client.get(f"/intake/referrals/{world.a.id}")

    assert after.status_code == 200
    assert "Housing: emergency or temporary" not in after.text
    assert "female" not in after.text
    assert "The details about the person are not available" in after.text


@pytest.mark.parametrize(
    ("path", "logged_in"),
    [
        ("/intake/login", False),
        ("/intake", False),
        ("/r/some-token", False),
        ("/intake", True),
        ("/intake/referrals/{b}", True),
        ("/r/some-token", True),
    ],
)
def test_every_answer_carries_the_security_headers(
    client: TestClient, world: World, path: str, logged_in: bool
) -> None:
    if logged_in:
        log_in(client)

    response = client.get(path.format(b=world.b.id))

    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)


def test_the_language_follows_the_query_then_the_browser(client: TestClient) -> None:
    assert "Вход" in client.get("/intake/login?lang=ru").text
    assert "Вход" in client.get("/intake/login", headers={"Accept-Language": "de, ru;q=0.8"}).text
    english = client.get("/intake/login", headers={"Accept-Language": "de, ru;q=0"})
    assert '<html lang="en">' in english.text
    assert '<html lang="en">' in client.get("/intake/login?lang=xx").text


def test_logging_out_ends_the_session(client: TestClient) -> None:
    log_in(client)
    token = client.cookies["passage_intake"]
    csrf = csrf_of(client.get("/intake"))

    assert client.post("/intake/logout", data={"csrf": "wrong"}).status_code == 403
    response = client.post("/intake/logout", data={"csrf": csrf})

    assert (response.status_code, response.headers["location"]) == (303, "/intake/login")
    # Even a browser that kept the cookie is logged out.
    client.cookies.set("passage_intake", token)
    assert client.get("/intake").status_code == 303
