"""The real twilio Client, wired by twilio_client(), against FakeTwilio on loopback."""

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from casework.twilio_transport import LoopbackTwilioHttpClient, twilio_client
from passage.runtime.sandbox.fake_twilio import TEST_FROM, FakeTwilio

TO = "+15005550100"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def client(fake: FakeTwilio) -> Client:
    return twilio_client(fake.account_sid, fake.auth_token, fake.base_url, timeout=5.0)


class _Receiver:
    """A loopback stand-in for the app's webhook endpoint that records what it is sent."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"])).decode()
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                receiver.requests.append((self.path, dict(self.headers), form))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    receiver = _Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def _send(client: Client, to: str = TO, **kwargs: Any) -> Any:
    return client.messages.create(to=to, from_=TEST_FROM, body="Passage: new referral", **kwargs)


def test_create_message_is_queued_and_recorded(fake: FakeTwilio, client: Client) -> None:
    message = _send(client, status_callback="http://127.0.0.1:9/twilio/status/7")

    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert message.status == "queued"
    assert message.to == TO and message.from_ == TEST_FROM
    assert message.num_segments == "1"
    assert message.date_created is not None
    [recorded] = fake.messages
    assert recorded.sid == message.sid
    assert (recorded.to, recorded.from_, recorded.body) == (TO, TEST_FROM, "Passage: new referral")
    assert recorded.status_callback == "http://127.0.0.1:9/twilio/status/7"


def test_a_sent_message_can_be_fetched_and_looked_up_by_recipient(client: Client) -> None:
    sent = _send(client)
    _send(client, to="+15005550101")

    assert client.messages(sent.sid).fetch().body == "Passage: new referral"
    assert [m.sid for m in client.messages.list(to=TO)] == [sent.sid]
    with pytest.raises(TwilioRestException) as unknown:
        client.messages("SM" + "0" * 32).fetch()
    assert (unknown.value.status, unknown.value.code) == (404, 20404)


def test_wrong_auth_token_is_401_and_nothing_is_sent(fake: FakeTwilio) -> None:
    wrong = twilio_client(fake.account_sid, "not-the-token", fake.base_url, timeout=5.0)
    with pytest.raises(TwilioRestException) as error:
        _send(wrong)
    assert (error.value.status, error.value.code) == (401, 20003)
    assert fake.messages == []


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ("+15005550001", 21211),
        ("+15005550002", 21612),
        ("+15005550003", 21408),
        ("+15005550004", 21610),
        ("+15005550009", 21614),
    ],
)
def test_magic_numbers_are_rejected_with_their_code(
    fake: FakeTwilio, client: Client, to: str, code: int
) -> None:
    with pytest.raises(TwilioRestException) as error:
        _send(client, to=to)
    assert (error.value.status, error.value.code) == (400, code)
    assert fake.messages == []


def test_a_sender_that_is_not_ours_is_rejected(fake: FakeTwilio, client: Client) -> None:
    with pytest.raises(TwilioRestException) as error:
        client.messages.create(to=TO, from_="+15005550007", body="x")
    assert error.value.code == 21606
    assert fake.messages == []


def test_rate_limit_is_429_then_the_next_send_goes_through(
    fake: FakeTwilio, client: Client
) -> None:
    fake.fail_next("429")
    with pytest.raises(TwilioRestException) as error:
        _send(client)
    assert (error.value.status, error.value.code) == (429, 20429)
    assert fake.messages == []

    _send(client)
    assert len(fake.messages) == 1


def test_server_error_is_500_and_nothing_is_sent(fake: FakeTwilio, client: Client) -> None:
    fake.fail_next("500", times=2)
    for _ in range(2):
        with pytest.raises(TwilioRestException) as error:
            _send(client)
        assert error.value.status == 500
    assert fake.messages == []


def test_lost_response_is_a_connection_error_but_the_message_was_sent(
    fake: FakeTwilio, client: Client
) -> None:
    fake.fail_next("lost")
    with pytest.raises(requests.exceptions.ConnectionError) as error:
        _send(client)
    # twilio does not wrap transport errors: the requests exception surfaces as it is.
    assert type(error.value) is requests.exceptions.ConnectionError
    assert "RemoteDisconnected" in repr(error.value)
    assert [m.to for m in fake.messages] == [TO]


def test_hang_holds_the_answer_until_released(fake: FakeTwilio, client: Client) -> None:
    fake.fail_next("hang")
    results: list[Any] = []
    sender = threading.Thread(target=lambda: results.append(_send(client)), daemon=True)
    sender.start()

    [recorded] = fake.wait_for_messages(1)
    sender.join(timeout=0.3)
    assert sender.is_alive() and results == []

    fake.release()
    sender.join(timeout=5)
    assert [m.sid for m in results] == [recorded.sid]


def test_wait_for_messages_times_out_with_an_assertion(fake: FakeTwilio) -> None:
    with pytest.raises(AssertionError, match="got 0 message"):
        fake.wait_for_messages(1, timeout=0.1)


@pytest.mark.parametrize(
    "api_base",
    [
        "https://api.twilio.com",
        "http://10.0.0.1:8080",
        "http://127.0.0.1.example.com",
        "ftp://[::1]",
    ],
)
def test_a_non_loopback_api_base_is_refused(api_base: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        twilio_client("AC" + "0" * 32, "token", api_base)


def test_the_loopback_client_sends_nothing_off_the_machine() -> None:
    http_client = LoopbackTwilioHttpClient("http://[::1]:9", timeout=1.0)
    with pytest.raises(ValueError, match="non-loopback"):
        http_client.request("GET", "https://example.com/2010-04-01/Accounts.json")


def test_proxy_environment_is_ignored(
    fake: FakeTwilio, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    _send(client)
    assert len(fake.messages) == 1


def test_production_client_talks_to_twilio_with_a_timeout() -> None:
    client = twilio_client("AC" + "0" * 32, "token", "")
    assert type(client.http_client) is TwilioHttpClient
    assert client.http_client.timeout == 15.0


def test_empty_credentials_are_refused() -> None:
    with pytest.raises(ValueError, match="required"):
        twilio_client("", "", "")


def test_twilio_loggers_stay_at_warning() -> None:
    assert logging.getLogger("twilio").level == logging.WARNING
    assert logging.getLogger("twilio.http_client").getEffectiveLevel() == logging.WARNING


def test_status_callback_is_signed_with_the_auth_token(
    fake: FakeTwilio, client: Client, receiver: _Receiver
) -> None:
    callback = f"{receiver.url}/twilio/status/7"
    sid = _send(client, status_callback=callback).sid

    response = fake.post_status(sid, "undelivered", error_code=30003)

    assert response.status_code == 204
    [(path, headers, form)] = receiver.requests
    assert path == "/twilio/status/7"
    assert form["MessageSid"] == form["SmsSid"] == sid
    assert form["MessageStatus"] == "undelivered" and form["ErrorCode"] == "30003"
    assert (form["AccountSid"], form["To"], form["From"]) == (fake.account_sid, TO, TEST_FROM)
    signature = headers["X-Twilio-Signature"]
    assert RequestValidator(fake.auth_token).validate(callback, form, signature)
    assert not RequestValidator("another-token").validate(callback, form, signature)
    assert client.messages(sid).fetch().status == "undelivered"


def test_inbound_sms_is_signed_over_the_url_the_app_sees(
    fake: FakeTwilio, receiver: _Receiver
) -> None:
    public = "https://passage.example.org/twilio/inbound"
    fake.post_inbound(f"{receiver.url}/twilio/inbound", "+15005550100", "ACCEPT K7Q2", None, public)
    fake.post_inbound(
        f"{receiver.url}/twilio/inbound", "+15005550100", "ACCEPT K7Q2", None, public, "Zm9yZ2Vk"
    )

    [(_, headers, form), (_, forged_headers, forged_form)] = receiver.requests
    assert form["Body"] == "ACCEPT K7Q2" and form["To"] == TEST_FROM
    assert form["MessageSid"].startswith("SM") and form["NumSegments"] == "1"
    validator = RequestValidator(fake.auth_token)
    assert validator.validate(public, form, headers["X-Twilio-Signature"])
    assert not validator.validate(public, forged_form, forged_headers["X-Twilio-Signature"])


def test_callbacks_only_go_to_loopback(fake: FakeTwilio, client: Client) -> None:
    sid = _send(client, status_callback="https://passage.example.org/twilio/status/1").sid
    with pytest.raises(ValueError, match="loopback"):
        fake.post_status(sid, "delivered")
    with pytest.raises(ValueError, match="loopback"):
        fake.post_inbound("https://passage.example.org/twilio/inbound", TO, "hi")
