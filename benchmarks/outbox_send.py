"""Referral SMS throughput through the outbox, against calling the twilio client directly.

1,000 referrals are made with the domain code (consent gate, matching, outbox row), then the
worker's dispatch loop sends them with the real twilio client to our fake Twilio server on
127.0.0.1. The same client then sends 1,000 messages directly, in the same run. The ratio is
what the outbox (claim commit, per-row outcome commit, SQLite) costs over the bare HTTP calls.
"""

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.dispatch import SmsChannel, dispatch_due
from casework.outbox import Kind
from casework.referral_models import OutboxMessage
from casework.referrals import send_chosen_referral
from casework.twilio_transport import twilio_client
from passage.config import make_engine
from passage.runtime.migrate import upgrade
from passage.runtime.sandbox.fake_twilio import FakeTwilio
from tests.casework.referral_builders import OFFICER, POLICY, ready_case, shelters

COUNT = 1000


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder, FakeTwilio() as fake:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session, session.begin():
            shelters(session, Path(folder))
        _progress(f"making {COUNT} referrals ...")
        with Session(engine) as session, session.begin():
            now = datetime.now(UTC)
            for _ in range(COUNT):
                case = ready_case(session)
                send_chosen_referral(
                    session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=now
                )
        client = twilio_client(fake.account_sid, fake.auth_token, fake.base_url)
        channels = {Kind.SMS: SmsChannel(client, fake.valid_from, "http://127.0.0.1:9")}

        _progress("sending through the outbox ...")
        started = time.perf_counter()
        while True:
            report = dispatch_due(
                lambda: Session(engine),
                channels,
                now=lambda: datetime.now(UTC),
                max_attempts=8,
                stale_after=timedelta(minutes=2),
                limit=100,
            )
            if report.sent == 0:
                break
        outbox_seconds = time.perf_counter() - started
        with Session(engine) as session:
            sent = session.scalar(select(func.count()).where(OutboxMessage.state == "sent"))
        assert sent == COUNT and len(fake.messages) == COUNT, (sent, len(fake.messages))

        _progress("sending directly with the twilio client ...")
        started = time.perf_counter()
        for index in range(COUNT):
            client.messages.create(to="+15005551001", from_=fake.valid_from, body=f"m{index}")
        direct_seconds = time.perf_counter() - started
        engine.dispose()

    print(
        f"referral SMS through the outbox: {COUNT} in {outbox_seconds:.2f} s "
        f"= {COUNT / outbox_seconds:.0f}/s"
    )
    print(
        f"twilio client directly:          {COUNT} in {direct_seconds:.2f} s "
        f"= {COUNT / direct_seconds:.0f}/s"
    )
    print(f"outbox overhead: x{outbox_seconds / direct_seconds:.2f} the direct time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
