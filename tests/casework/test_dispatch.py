"""dispatch_due on a migrated SQLite database: the outbox state each send outcome leaves.

SMS goes through the real twilio client to FakeTwilio, partner pushes to a loopback receiver.
What a receiver may have acted on (an ambiguous SMS) is never resent; the rest retries or dies.
"""

import json
import multiprocessing
import os
import signal
import socket
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from casework.dispatch import (
    Channel,
    DispatchReport,
    OfficerNoticeChannel,
    PartnerPushChannel,
    SmsChannel,
    dispatch_due,
)
from casework.outbox import Kind, enqueue, record_delivery
from casework.referral_models import OutboxMessage
from casework.referrals import send_chosen_referral
from casework.request_signing import verify
from casework.twilio_transport import twilio_client
from passage.config import session_factory, unit_of_work
from passage.runtime.sandbox.fake_twilio import FakeTwilio
from tests.casework.referral_builders import OFFICER, POLICY, ready_case, shelters

pytestmark = pytest.mark.usefixtures("database")

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
STALE = timedelta(minutes=5)
TO = "+15005550100"
SECRET = "shared-secret-of-shelter-a"
BUNDLE = json.dumps({"resourceType": "Bundle", "entry": [{"note": "приют, срочно"}]})


def _enqueue(kind: Kind, recipient: str, body: str = "R-1: shelter", **extra: Any) -> int:
    with unit_of_work() as session:
        return enqueue(session, kind.value, recipient, body, now=NOW, **extra).id


def _row(row_id: int) -> OutboxMessage:
    with session_factory()() as session:
        return session.get_one(OutboxMessage, row_id)


def _dispatch(
    channels: Mapping[Kind, Channel], at: datetime = NOW, max_attempts: int = 5
) -> DispatchReport:
    return dispatch_due(
        session_factory(), channels, now=lambda: at, max_attempts=max_attempts, stale_after=STALE
    )


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


def _sms(fake: FakeTwilio, api_base: str | None = None) -> dict[Kind, Channel]:
    client = twilio_client(fake.account_sid, fake.auth_token, api_base or fake.base_url, 5.0)
    return {Kind.SMS: SmsChannel(client, fake.valid_from, "http://127.0.0.1:9")}


def test_an_sms_is_sent_with_a_callback_naming_its_row(fake: FakeTwilio) -> None:
    row_id = _enqueue(Kind.SMS, TO)

    assert _dispatch(_sms(fake)) == DispatchReport(sent=1)

    (message,) = fake.messages
    row = _row(row_id)
    assert (row.state, row.attempts, row.sent_at, row.carrier_id) == ("sent", 1, NOW, message.sid)
    assert (message.to, message.body) == (TO, "R-1: shelter")
    assert f"outbox={row_id}" in (message.status_callback or "")


def test_a_rate_limited_sms_waits_and_is_sent_later(fake: FakeTwilio) -> None:
    row_id = _enqueue(Kind.SMS, TO)
    fake.fail_next("429")

    assert _dispatch(_sms(fake)) == DispatchReport(retried=1)
    row = _row(row_id)
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.next_attempt_at > NOW
    assert fake.messages == []

    assert _dispatch(_sms(fake)) == DispatchReport()  # not due yet
    assert _dispatch(_sms(fake), at=row.next_attempt_at) == DispatchReport(sent=1)
    assert len(fake.messages) == 1
    assert _row(row_id).state == "sent"


@pytest.mark.parametrize(("fault", "recorded"), [("500", 0), ("lost", 1)])
def test_an_sms_twilio_may_have_sent_is_ambiguous_and_never_resent(
    fake: FakeTwilio, fault: str, recorded: int
) -> None:
    row_id = _enqueue(Kind.SMS, TO)
    fake.fail_next(fault)

    assert _dispatch(_sms(fake)) == DispatchReport(ambiguous=1)
    assert (_row(row_id).state, len(fake.messages)) == ("ambiguous", recorded)

    assert _dispatch(_sms(fake), at=NOW + timedelta(hours=1)) == DispatchReport()
    assert (_row(row_id).state, len(fake.messages)) == ("ambiguous", recorded)


def test_an_invalid_number_is_dead_without_quoting_the_number(fake: FakeTwilio) -> None:
    row_id = _enqueue(Kind.SMS, "+15005550001")

    assert _dispatch(_sms(fake)) == DispatchReport(dead=1)

    row = _row(row_id)
    assert (row.state, row.attempts) == ("dead", 1)
    assert row.last_error is not None and "21211" in row.last_error
    assert "5005550001" not in row.last_error


def test_an_sms_rate_limited_on_every_attempt_dies_at_max_attempts(fake: FakeTwilio) -> None:
    row_id = _enqueue(Kind.SMS, TO)
    fake.fail_next("429", times=2)

    _dispatch(_sms(fake), max_attempts=2)
    first = _row(row_id)
    assert (first.state, first.attempts) == ("pending", 1)

    _dispatch(_sms(fake), at=first.next_attempt_at, max_attempts=2)
    row = _row(row_id)
    assert (row.state, row.attempts) == ("dead", 2)
    assert row.last_error is not None and "429" in row.last_error
    assert fake.messages == []


def test_a_refused_connection_is_retried_not_ambiguous(fake: FakeTwilio) -> None:
    with socket.socket() as probe:  # a loopback port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    row_id = _enqueue(Kind.SMS, TO)

    assert _dispatch(_sms(fake, f"http://127.0.0.1:{port}")) == DispatchReport(retried=1)

    row = _row(row_id)
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.next_attempt_at > NOW


def test_a_status_callback_settles_an_ambiguous_sms_for_good(fake: FakeTwilio) -> None:
    row_id = _enqueue(Kind.SMS, TO)
    fake.fail_next("lost")
    assert _dispatch(_sms(fake)) == DispatchReport(ambiguous=1)
    (message,) = fake.messages
    later = NOW + timedelta(minutes=1)

    with unit_of_work() as session:
        assert record_delivery(session, row_id, message.sid, "delivered", now=later)
    with unit_of_work() as session:
        assert not record_delivery(session, row_id, message.sid, "sent", now=later)

    row = _row(row_id)
    assert (row.state, row.carrier_id, row.sent_at) == ("sent", message.sid, later)
    assert row.delivery_status == "delivered"


def test_rows_left_sending_by_a_dead_worker_recover_by_kind() -> None:
    rows = {
        "sms": _enqueue(Kind.SMS, TO),
        "api": _enqueue(Kind.PARTNER_PUSH, "http://127.0.0.1:9/Task"),
        "officer_notice": _enqueue(Kind.OFFICER_NOTICE, "officer-conversation-1"),
        "fresh sms": _enqueue(Kind.SMS, TO),
    }
    with unit_of_work() as session:
        for name, row_id in rows.items():
            row = session.get_one(OutboxMessage, row_id)
            row.state, row.attempts = "sending", 1
            row.claimed_at = NOW - (timedelta(minutes=1) if name == "fresh sms" else 2 * STALE)

    assert _dispatch({}) == DispatchReport()

    states = {name: _row(row_id).state for name, row_id in rows.items()}
    expected = {"sms": "ambiguous", "api": "pending", "officer_notice": "pending"}
    assert states == expected | {"fresh sms": "sending"}
    assert _row(rows["api"]).next_attempt_at == NOW


def _dispatch_once_in_a_worker(api_base: str, account_sid: str, token: str, from_: str) -> None:
    """A worker process's tick (runs in a child process the test kills)."""
    client = twilio_client(account_sid, token, api_base, 60.0)
    channels: dict[Kind, Channel] = {Kind.SMS: SmsChannel(client, from_, "http://127.0.0.1:9")}
    dispatch_due(session_factory(), channels, now=lambda: NOW, max_attempts=5, stale_after=STALE)


def test_a_worker_killed_mid_send_leaves_only_that_sms_ambiguous(fake: FakeTwilio) -> None:
    """Three SMS due, the first send hangs, the worker is killed (SIGKILL): the two whose send
    never began are sent once each by the next worker; the hung one is never sent again."""
    rows = [_enqueue(Kind.SMS, TO, f"R-{n}: shelter") for n in (1, 2, 3)]
    fake.fail_next("hang")
    worker = multiprocessing.get_context("spawn").Process(
        target=_dispatch_once_in_a_worker,
        args=(fake.base_url, fake.account_sid, fake.auth_token, fake.valid_from),
    )
    worker.start()
    try:
        fake.wait_for_messages(1, timeout=60)
    finally:
        os.kill(worker.pid or 0, signal.SIGKILL)
        worker.join(10)

    assert [_row(r).state for r in rows] == ["sending", "pending", "pending"]

    fake.release()
    after_restart = NOW + 2 * STALE
    assert _dispatch(_sms(fake), at=after_restart).sent == 2
    assert _dispatch(_sms(fake), at=after_restart) == DispatchReport()

    assert [_row(r).state for r in rows] == ["ambiguous", "sent", "sent"]
    assert sorted(m.body for m in fake.messages) == ["R-1: shelter", "R-2: shelter", "R-3: shelter"]


class _Receiver:
    """A partner endpoint on loopback: records each POST, answers with `status`."""

    def __init__(self) -> None:
        self.status = 200
        self.requests: list[tuple[bytes, dict[str, str]]] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((body, dict(self.headers)))
                receiver.paths.append(self.path)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/fhir/Task"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.client = httpx.Client(trust_env=False, timeout=5.0)  # what our channels post with

    def stop(self) -> None:
        self.client.close()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    receiver = _Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def referral_id(session: Session, tmp_path: Path) -> int:
    shelters(session, tmp_path)
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    session.commit()
    return referral.id


def test_a_partner_push_posts_the_exact_signed_body(receiver: _Receiver, referral_id: int) -> None:
    asked: list[int | None] = []

    def secret_of(of_referral: int | None) -> str:
        asked.append(of_referral)
        return SECRET

    row_id = _enqueue(Kind.PARTNER_PUSH, receiver.url, BUNDLE, referral_id=referral_id)

    channels = {Kind.PARTNER_PUSH: PartnerPushChannel(receiver.client, secret_of)}
    assert _dispatch(channels) == DispatchReport(sent=1)

    assert asked == [referral_id]
    ((body, headers),) = receiver.requests
    assert body == BUNDLE.encode("utf-8")
    assert headers["Content-Type"] == "application/fhir+json"
    assert verify(SECRET, body, headers, NOW)
    assert not verify("another secret", body, headers, NOW)
    assert (_row(row_id).state, _row(row_id).sent_at) == ("sent", NOW)


@pytest.mark.parametrize(("status", "state"), [(503, "pending"), (429, "pending"), (400, "dead")])
def test_a_refused_partner_push_retries_only_when_the_partner_may_take_it_later(
    receiver: _Receiver, status: int, state: str
) -> None:
    receiver.status = status
    row_id = _enqueue(Kind.PARTNER_PUSH, receiver.url, BUNDLE)

    _dispatch({Kind.PARTNER_PUSH: PartnerPushChannel(receiver.client, lambda _: SECRET)})

    row = _row(row_id)
    assert (row.state, row.attempts, row.last_error) == (state, 1, f"http {status}")
    assert len(receiver.requests) == 1


def test_a_partner_push_without_a_secret_is_dead_and_not_posted(receiver: _Receiver) -> None:
    row_id = _enqueue(Kind.PARTNER_PUSH, receiver.url, BUNDLE)

    channels = {Kind.PARTNER_PUSH: PartnerPushChannel(receiver.client, lambda _: None)}
    assert _dispatch(channels) == DispatchReport(dead=1)

    assert _row(row_id).state == "dead"
    assert receiver.requests == []


def test_kinds_without_a_channel_stay_pending_and_untouched(receiver: _Receiver) -> None:
    sms_id = _enqueue(Kind.SMS, TO)
    notice_id = _enqueue(Kind.OFFICER_NOTICE, "officer-conversation-1")
    rasa = receiver.url.removesuffix("/fhir/Task")

    channels = {Kind.OFFICER_NOTICE: OfficerNoticeChannel(receiver.client, rasa, "t0k/en")}
    assert _dispatch(channels) == DispatchReport(sent=1)

    sms = _row(sms_id)
    assert (sms.state, sms.attempts, sms.claimed_at) == ("pending", 0, None)
    assert _row(notice_id).state == "sent"
    ((body, _),) = receiver.requests
    assert json.loads(body) == {"name": "referral_news"}
    # Rasa's HTTP API takes its auth token as `?token=`.
    assert receiver.paths == [
        "/conversations/officer-conversation-1/trigger_intent?output_channel=latest&token=t0k%2Fen"
    ]


def test_two_dispatchers_never_claim_the_same_row() -> None:
    """The worker and an API process may look for due rows at the same moment; a row read as
    pending by both goes to one of them only."""
    from casework.outbox import claim_due

    row_id = _enqueue(Kind.OFFICER_NOTICE, "officer-conversation-1")
    factory = session_factory()
    first, second = factory(), factory()
    try:
        seen_by_first = first.get_one(OutboxMessage, row_id).state
        seen_by_second = second.get_one(OutboxMessage, row_id).state
        assert seen_by_first == seen_by_second == "pending"
        won_first = claim_due(first, kinds=(Kind.OFFICER_NOTICE,), now=NOW)
        first.commit()
        won_second = claim_due(second, kinds=(Kind.OFFICER_NOTICE,), now=NOW)
        second.commit()
    finally:
        first.close()
        second.close()
    assert [r.id for r in won_first] == [row_id]
    assert won_second == []
    assert _row(row_id).attempts == 1
