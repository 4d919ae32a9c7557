"""/dev/phone: only while the phone sandbox runs, only from this machine; it lists the sandbox's
SMS per provider number, read through the twilio client."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from casework.referrals import send_chosen_referral
from casework.twilio_transport import twilio_client
from passage.config import Settings, get_settings, session_factory
from passage.runtime.api_app import api_app
from passage.runtime.sandbox.fake_twilio import FakeTwilio
from tests.casework.referral_builders import (
    NOW,
    NUMBERS,
    OFFICER,
    POLICY,
    ready_case,
    shelters,
)
from tests.conftest import _clear_cached_wiring
from tests.ports import free_port
from translations.catalog import shipped_catalogs

ROUTES = [("GET", "/dev/phone"), ("GET", "/dev/phone/messages"), ("POST", "/dev/phone/reply")]


@pytest.fixture
def sandbox(database: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTwilio]:
    """Settings as `passage run` gives its processes when it runs the sandbox, and the sandbox."""
    monkeypatch.setenv("PASSAGE_SMS_SANDBOX_TOKEN", "sandbox-token-" + "x" * 20)
    monkeypatch.setenv("PASSAGE_SMS_SANDBOX_PORT", str(free_port()))
    _clear_cached_wiring()
    account = get_settings().sms_account
    assert account is not None
    port = get_settings().sms_sandbox_port
    with FakeTwilio(
        account.account_sid, account.auth_token, account.from_number, port=port
    ) as fake:
        yield fake


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_without_the_sandbox_there_is_no_such_page(
    database: Settings, method: str, path: str
) -> None:
    client = TestClient(api_app())
    assert (
        client.request(method, path, json={"number": "+15005551001", "body": "x"}).status_code
        == 404
    )


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_another_machine_never_sees_it(sandbox: FakeTwilio, method: str, path: str) -> None:
    client = TestClient(api_app(), client=("192.0.2.7", 50000))
    assert (
        client.request(method, path, json={"number": "+15005551001", "body": "x"}).status_code
        == 404
    )


def test_the_page_and_the_sms_of_each_provider_number(sandbox: FakeTwilio, tmp_path: Path) -> None:
    with session_factory()() as session:
        shelters(session, tmp_path)
        referral = send_chosen_referral(
            session, ready_case(session), "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
        )
        session.commit()
    client = TestClient(api_app())
    page = client.get("/dev/phone")
    assert page.status_code == 200
    assert shipped_catalogs().lookup("dev.phone.title", "en").text in page.text
    # What the worker does with the sandbox's account.
    twilio_client(sandbox.account_sid, sandbox.auth_token, sandbox.base_url).messages.create(
        to=NUMBERS["shelter-a"], from_=sandbox.valid_from, body=f"{referral.code}: shelter"
    )

    phones = client.get("/dev/phone/messages").json()

    assert phones == [
        {
            "number": NUMBERS["shelter-a"],
            "providers": ["shelter-a (test)"],
            "waiting": [referral.code],  # what the page offers to accept or decline
            "messages": [{"direction": "outbound-api", "body": f"{referral.code}: shelter"}],
        }
    ]


def test_a_reply_is_json_only(sandbox: FakeTwilio) -> None:
    """A form post is what another site could make a browser send: it is refused."""
    client = TestClient(api_app())
    form = {"number": "+15005551001", "body": "ACCEPT K7Q2MX"}
    assert client.post("/dev/phone/reply", data=form).status_code == 422


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "passage.example.org"},  # DNS rebinding: a page of another site, our address
        {"X-Forwarded-For": "203.0.113.9"},  # through a reverse proxy: the internet
        {"X-Forwarded-For": "127.0.0.1, 203.0.113.9"},  # one hop beyond this machine
        {"Forwarded": "for=203.0.113.9"},
        {"X-Real-IP": "203.0.113.9"},
    ],
)
def test_a_request_from_beyond_this_machine_never_sees_it(
    sandbox: FakeTwilio, headers: dict[str, str]
) -> None:
    client = TestClient(api_app())
    assert client.get("/dev/phone", headers=headers).status_code == 404
    assert client.get("/dev/phone/messages", headers=headers).status_code == 404


def test_a_browser_on_this_machine_through_the_local_load_balancer_sees_it(
    sandbox: FakeTwilio,
) -> None:
    # The scaled profile's nginx, on this machine, names the browser it forwards.
    client = TestClient(api_app())
    headers = {"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "http"}
    assert client.get("/dev/phone", headers=headers).status_code == 200
