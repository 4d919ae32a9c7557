"""Rate limits: a verified identity (API key, staff session, enrolled web chat) is counted for
itself, every other request for its client address; per conversation on the chats; 429 with
Retry-After; the window moves with the (injected) clock; keys are HMACs, never identities."""

import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace

import limits.storage.memory
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from api.chat_identity import COOKIE_NAME, browser_of, new_cookie_value, sender_for
from api.rate_limits import RateLimits, WindowLimiter
from api.routers.chat import WEB_CHAT_CHANNEL
from api.staff_login import SESSION_COOKIE
from casework.api_keys import create_api_key
from casework.web_chat_tabs import remember_tab
from casework.web_sessions import start_session
from passage.config import Settings, get_settings, session_factory
from passage.runtime.api_app import api_app
from referral_directory.models import Organization
from tests.casework.account_builders import account, enrol
from tests.conftest import _clear_cached_wiring

TAB = "tab-0123456789abcdef"
STATION = "192.0.2.1"  # one address: a police station's NAT


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock of the limits and of `limits`' memory storage (which reads time.time())."""
    fake = FakeClock()
    monkeypatch.setattr(limits.storage.memory, "time", SimpleNamespace(time=fake))
    return fake


def _limiter(limit: int, clock: Callable[[], float] = time.time) -> WindowLimiter:
    strategy = MovingWindowRateLimiter(MemoryStorage())
    return WindowLimiter("test", limit, strategy, b"secret", clock)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def make_client(
    database: Settings, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> Callable[..., TestClient]:
    """A client of a new app with these limits; `address` is the client's IP."""

    def make(address: str = STATION, **limits: int | str) -> TestClient:
        monkeypatch.setenv("PASSAGE_RASA_URL", f"http://127.0.0.1:{_closed_port()}")
        for name, value in limits.items():
            monkeypatch.setenv(f"PASSAGE_RATE_LIMIT_{name.upper()}", str(value))
        _clear_cached_wiring()
        return TestClient(api_app(clock=clock), client=(address, 40000))

    return make


def _assert_limited(response: object, retry_after: int, what: str = "") -> None:
    assert getattr(response, "status_code", None) == 429
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["retry-after"] == str(retry_after)
    assert f"too many requests {what}" in response.json()["detail"]  # type: ignore[attr-defined]


def test_defaults(settings: Settings) -> None:
    assert settings.rate_limit_per_ip_per_minute == 300
    assert settings.rate_limit_per_account_per_minute == 120
    assert settings.rate_limit_per_api_key_per_minute == 120
    assert settings.rate_limit_per_chat_sender_per_minute == 30
    assert settings.rate_limit_storage_uri == ""  # memory: the embedded profile


def test_the_window_moves(clock: FakeClock) -> None:
    limiter = _limiter(3, clock)
    hits = []
    for _ in range(3):  # at 0 s, 10 s and 20 s
        hits.append(limiter.hit("a"))
        clock.advance(10)
    assert hits == [None, None, None]
    assert limiter.hit("a") == pytest.approx(30)  # at 30 s: until the first is a minute old
    assert limiter.hit("b") is None  # other keys count apart

    clock.advance(30.001)  # the first hit has left the window, the other two are in it
    assert limiter.hit("a") is None
    assert limiter.hit("a") == pytest.approx(9.999)
    clock.advance(9.99)
    assert limiter.hit("a") is not None
    clock.advance(0.02)
    assert limiter.hit("a") is None


def test_refused_requests_do_not_count(clock: FakeClock) -> None:
    limiter = _limiter(1, clock)
    assert limiter.hit("a") is None
    for _ in range(10):
        clock.advance(5)
        assert limiter.hit("a") is not None
    clock.advance(10.001)  # 60 s after the only counted hit
    assert limiter.hit("a") is None


def test_keys_are_hmacs_and_idle_ones_are_forgotten(clock: FakeClock) -> None:
    storage = MemoryStorage()
    limiter = WindowLimiter("address", 5, MovingWindowRateLimiter(storage), b"secret", clock)
    for number in range(100):
        limiter.hit(f"198.51.100.{number}")
    assert len(storage.events) == 100
    assert not any("198.51.100" in key for key in storage.events)
    assert all(limiter.stored_key("198.51.100.7") != key for key in ("198.51.100.7", ""))
    clock.advance(61)
    limiter.hit("new")
    time.sleep(0.2)  # `limits` empties the idle keys' lists on a timer thread ...
    clock.advance(60)
    limiter.hit("newer")  # ... and the sweep (once a minute) drops the empty keys
    assert len(storage.events) <= 2
    assert limiter.stored_key("newer") in "\n".join(storage.events)


def test_concurrent_hits_never_pass_more_than_the_limit() -> None:
    limiter = _limiter(50)
    passed: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def hammer() -> None:
        start.wait()
        for _ in range(100):
            allowed = limiter.hit("same") is None
            with lock:
                passed.append(allowed)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(passed) == 50


def test_per_address_on_every_route(
    make_client: Callable[..., TestClient], clock: FakeClock
) -> None:
    client = make_client(per_ip_per_minute=3)
    other = TestClient(client.app, client=("192.0.2.2", 40000))

    answers = [client.get("/").status_code, client.get("/nope").status_code]
    answers.append(client.get("/static/chat.css").status_code)
    assert answers == [200, 404, 200]
    _assert_limited(client.get("/health"), retry_after=60, what="from this address")
    clock.advance(59.5)
    _assert_limited(client.post("/chat/messages", json={}), retry_after=1)
    assert other.get("/").status_code == 200  # another address has its own allowance

    clock.advance(0.501)
    assert client.get("/").status_code == 200


def test_apps_do_not_share_counts(make_client: Callable[..., TestClient]) -> None:
    first = make_client(per_ip_per_minute=1)
    assert first.get("/").status_code == 200
    assert first.get("/").status_code == 429
    assert make_client(per_ip_per_minute=1).get("/").status_code == 200


def _api_key() -> str:
    with session_factory()() as session:
        session.add(Organization(id="org-1", name="Safe House", description="A shelter."))
        session.flush()
        raw, _ = create_api_key(
            session, "org-1", now=datetime.now(UTC), actor="test", source="test"
        )
        session.commit()
    return raw


def test_a_valid_api_key_has_its_own_budget_and_a_wrong_one_is_anonymous(
    make_client: Callable[..., TestClient], clock: FakeClock
) -> None:
    client = make_client(per_api_key_per_minute=3, per_ip_per_minute=2)
    key = _api_key()
    headers = {"Authorization": f"Bearer {key}"}

    # Counted for the key, not for the address: the key's 3 pass where the address has 2.
    assert [client.get("/api/v1/referrals", headers=headers).status_code for _ in range(3)] == [
        200
    ] * 3
    clock.advance(30)
    _assert_limited(client.get("/api/v1/referrals", headers=headers), 30, "with this API key")
    # A wrong or unknown key is anonymous: counted for the address (2), then refused.
    wrong = {"Authorization": "Bearer psg_0123456789ab_not-a-key"}
    assert [client.get("/api/v1/referrals", headers=wrong).status_code for _ in range(2)] == [
        401,
        401,
    ]
    _assert_limited(client.get("/api/v1/referrals", headers=wrong), 60, "from this address")
    _assert_limited(client.get("/"), 60, "from this address")

    limits: RateLimits = client.app.state.rate_limits  # type: ignore[attr-defined]
    stored = "\n".join(limits.storage.events)  # type: ignore[attr-defined]
    assert key not in stored and key.split("_")[1] not in stored and STATION not in stored
    clock.advance(30.001)
    assert client.get("/api/v1/referrals", headers=headers).status_code == 200


def test_a_logged_in_account_has_its_own_budget(
    make_client: Callable[..., TestClient], clock: FakeClock
) -> None:
    client = make_client(per_account_per_minute=4, per_ip_per_minute=2)
    with session_factory()() as session:
        token, _ = start_session(session, account(session), now=datetime.now(UTC))
        session.commit()
    staff = TestClient(client.app, client=(STATION, 40001), cookies={SESSION_COOKIE: token})
    forged = TestClient(client.app, client=(STATION, 40002), cookies={SESSION_COOKIE: "x" * 43})

    assert [staff.get("/static/chat.css").status_code for _ in range(4)] == [200] * 4
    _assert_limited(staff.get("/static/chat.css"), 60, "for this account")
    # A cookie that is no open session is anonymous.
    assert [forged.get("/static/chat.css").status_code for _ in range(2)] == [200, 200]
    _assert_limited(forged.get("/static/chat.css"), 60, "from this address")


def _enrolled_officer(app: FastAPI, number: int) -> TestClient:
    """An officer's browser at the station: a chat cookie whose tab is enrolled to them."""
    cookie = new_cookie_value()
    sender = sender_for(app.state.chat_key, cookie, TAB)
    assert sender is not None
    with session_factory()() as session:
        now = datetime.now(UTC)
        remember_tab(session, browser_of(app.state.chat_key, cookie), sender, now=now)
        enrol(session, account(session, f"officer.{number}"), sender, channel=WEB_CHAT_CHANNEL)
        session.commit()
    return TestClient(app, client=(STATION, 41000 + number), cookies={COOKIE_NAME: cookie})


def test_thirty_officers_behind_one_address(
    make_client: Callable[..., TestClient], clock: FakeClock
) -> None:
    """Issue 20: 30 officers behind a station's NAT got 429 at the per-address limit."""
    anonymous = make_client(per_ip_per_minute=60, per_account_per_minute=20)
    app = anonymous.app
    assert isinstance(app, FastAPI)
    officers = [_enrolled_officer(app, number) for number in range(30)]

    # Two minutes at an officer's pace: a message every 15 s each, 120 a minute from the
    # address (twice its anonymous budget). Rasa is down here: a counted message gets 503.
    answers = []
    for _ in range(8):
        for officer in officers:
            answers.append(
                officer.post("/chat/messages", json={"tab": TAB, "message": "yes"}).status_code
            )
        clock.advance(15)
    assert set(answers) == {503}

    # One officer flooding is stopped, with Retry-After, and the others are not.
    flood = [officers[0].get("/static/chat.css").status_code for _ in range(20)]
    assert flood.index(429) == 20 - 3  # its messages at 75, 90 and 105 s count
    _assert_limited(officers[0].get("/static/chat.css"), 15, "for this account")
    assert officers[1].post("/chat/messages", json={"tab": TAB, "message": "no"}).status_code == 503

    # An anonymous flood from the same address is still stopped, and stops no officer.
    stranger = [anonymous.get("/static/chat.css").status_code for _ in range(61)]
    assert stranger[:60] == [200] * 60
    _assert_limited(anonymous.get("/static/chat.css"), 60, "from this address")
    # A chat cookie that is not enrolled is anonymous too.
    unenrolled = TestClient(app, client=(STATION, 40999), cookies={COOKIE_NAME: new_cookie_value()})
    _assert_limited(unenrolled.get("/"), 60, "from this address")
    assert officers[2].post("/chat/messages", json={"tab": TAB, "message": "ok"}).status_code == 503


def test_per_chat_sender(make_client: Callable[..., TestClient], clock: FakeClock) -> None:
    client = make_client(per_chat_sender_per_minute=2)
    client.get("/")  # the chat cookie
    message = {"tab": TAB, "message": "hello"}

    # Rasa is down: a counted message gets 503.
    assert [client.post("/chat/messages", json=message).status_code for _ in range(2)] == [
        503,
        503,
    ]
    clock.advance(15)
    _assert_limited(client.post("/chat/messages", json=message), 45, "from this chat")
    other_sender = {"tab": "tab-fedcba9876543210", "message": "hello"}  # another conversation
    assert client.post("/chat/messages", json=other_sender).status_code == 503

    clock.advance(45.001)
    assert client.post("/chat/messages", json=message).status_code == 503


def test_a_too_long_message_is_refused_without_using_the_chat_allowance(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(per_chat_sender_per_minute=1)
    client.get("/")  # the chat cookie
    long = {"tab": TAB, "message": "x" * 3000}
    assert client.post("/chat/messages", json=long).status_code == 422
    assert client.post("/chat/messages", json={"tab": TAB, "message": "x"}).status_code == 503
    assert client.post("/chat/messages", json={"tab": TAB, "message": "x"}).status_code == 429


def test_replicas_share_counts_through_redis(database: Settings) -> None:
    """The scaled profile: two apps (replicas) on one Redis count together."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            pass
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings = get_settings().model_copy(
        update={
            "rate_limit_storage_uri": "redis://127.0.0.1:6379/0",
            "rate_limit_per_ip_per_minute": 3,
        }
    )
    first, second = RateLimits.from_settings(settings), RateLimits.from_settings(settings)
    address = f"203.0.113.{datetime.now(UTC).microsecond % 250}"
    hits = [first.per_ip.hit(address), second.per_ip.hit(address), first.per_ip.hit(address)]
    assert hits == [None, None, None]
    wait = second.per_ip.hit(address)
    assert wait is not None and 0 < wait <= 60


def test_an_unreachable_storage_lets_requests_through(
    database: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = get_settings().model_copy(
        update={"rate_limit_storage_uri": f"redis://127.0.0.1:{_closed_port()}/0"}
    )
    limits = RateLimits.from_settings(settings)
    assert limits.per_ip.hit("192.0.2.9") is None
    assert "rate limit storage unavailable" in caplog.text
    assert "192.0.2.9" not in caplog.text


def test_the_openapi_document_lists_429_with_retry_after(
    make_client: Callable[..., TestClient],
) -> None:
    document = make_client().get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            limited = operation["responses"]["429"]
            assert "Retry-After" in limited["headers"], (method, path)
