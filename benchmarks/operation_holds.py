"""Rescue operations (issue 19): the time from an operation's plan to every capacity request
answered with a hold, and how much of it is ours.

The API and the worker that `make run` starts (the worker at its default tick), with Twilio
pointed at our fake Twilio server on 127.0.0.1; no Rasa, which this path never calls. The
directory has six providers in the safe site's region, reachable by SMS (the builders of
tests/casework/test_operations.py). Each operation plans 12 persons (9 adults, 3 presumed
minors; Khmer and Vietnamese) with the domain code (`plan_operation`, `request_capacity`):
seven capacity requests go to the outbox, and the real worker sends them through the real
twilio client. Each simulated provider reads its SMS at the fake Twilio and, after a random
delay (seeded), answers `HOLD <code> <n>` in its own language through the real signed webhook
(`/webhooks/twilio/sms`, signed as Twilio signs). The benchmark polls the database until every
request is held and the readiness has nothing missing. Operations run one after another, a
random part of a worker tick apart, so that plans fall at any phase of the tick.

Figures, over all operations: plan to the last hold recorded; plan to each SMS at Twilio (the
outbox and the worker's tick); each provider's answer to its hold being seen in the database;
and the webhook's round trip alone. Only the first and the provider's delay are not ours.
"""

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from benchmarks.bench_stack import percentile
from casework.capacity_requests import RequestState, command_word, readiness, request_capacity
from casework.operation_models import CapacityRequest, OperationPlan
from casework.operations import plan_operation
from passage.config import Settings, get_settings, make_engine
from passage.core.field_crypto.keyring import new_key_line
from passage.runtime.migrate import upgrade
from passage.runtime.processes import ProcessGroup
from passage.runtime.sandbox.fake_twilio import FakeMessage, FakeTwilio
from passage.runtime.stack import build_processes
from referral_directory.match_values import MatchingRules
from tests.casework.account_builders import account
from tests.casework.test_operations import details, operation_directory
from tests.ports import free_port
from translations.catalog import shipped_catalogs

POLL_SECONDS = 0.005


@dataclass(frozen=True)
class Asked:
    """One capacity request, as its simulated provider knows it: nothing of the plan."""

    request_id: int
    code: str
    recipient: str
    places: int
    language: str


@dataclass
class Answered:
    sms_at: float = 0.0  # the SMS reached the fake Twilio
    answered_at: float = 0.0  # the provider's signed POST started
    replied_at: float = 0.0  # the webhook's answer came back (the hold is committed by then)
    held_at: float = 0.0  # the benchmark first saw the hold in the database


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@contextmanager
def api_and_worker(twilio: FakeTwilio) -> Iterator[tuple[Settings, Engine]]:
    """The API and the worker of `make run`, on a free port in a temporary var/, with a data
    key of their own that this process shares (it writes the encrypted plan)."""
    os.environ["PASSAGE_DATA_KEYS"] = keys = new_key_line()
    get_settings.cache_clear()
    with tempfile.TemporaryDirectory(prefix="passage-bench-") as tmp:
        api_port = free_port()
        settings = Settings(
            var_dir=Path(tmp) / "var",
            api_port=api_port,
            public_base_url=f"http://127.0.0.1:{api_port}",
            data_keys=keys,
            log_level="WARNING",
            twilio_account_sid=twilio.account_sid,
            twilio_auth_token=twilio.auth_token,
            twilio_from_number=twilio.valid_from,
            twilio_api_base=twilio.base_url,
            # Every client here is 127.0.0.1: one address's limit would throttle the providers.
            rate_limit_per_ip_per_minute=1_000_000,
        )
        upgrade(settings.resolved_database_url)
        # The model path is Rasa's only: neither process started here reads it.
        processes = build_processes(settings, Path(os.devnull), names=("api", "worker"))
        group = ProcessGroup(processes)
        _progress("starting the API and the worker ...")
        group.start_all(timeout=120)
        engine = make_engine(settings.resolved_database_url)
        try:
            yield settings, engine
        finally:
            group.stop_all()
            engine.dispose()


def _sms_for(twilio: FakeTwilio, asked: Asked, deadline: float) -> FakeMessage:
    while time.monotonic() < deadline:
        for message in twilio.messages:
            if message.to == asked.recipient and asked.code in message.body:
                return message
        time.sleep(POLL_SECONDS)
    raise TimeoutError("a capacity SMS never reached the fake Twilio")


def _provider(
    twilio: FakeTwilio, webhook: str, asked: Asked, delay: float, answered: Answered
) -> None:
    """Read the SMS when it arrives, wait `delay`, answer HOLD in the provider's language."""
    sms = _sms_for(twilio, asked, time.monotonic() + 120)
    answered.sms_at = sms.received_at.timestamp()
    time.sleep(max(0.0, answered.sms_at + delay - time.time()))
    word = command_word(shipped_catalogs(), "hold", asked.language)
    answered.answered_at = time.time()
    response = twilio.post_inbound(webhook, asked.recipient, f"{word} {asked.code} {asked.places}")
    answered.replied_at = time.time()
    response.raise_for_status()


def _plan(engine: Engine) -> tuple[int, list[Asked]]:
    now = datetime.now(UTC)
    window = {"window_start": now + timedelta(hours=2), "window_end": now + timedelta(hours=14)}
    with Session(engine) as session, session.begin():
        plan = plan_operation(session, account(session), details(**window), now=now)
        made = request_capacity(session, plan, MatchingRules(), now=now)
        asked = [
            Asked(r.id, r.code, r.recipient, r.places_wanted, r.provider_language) for r in made
        ]
        return plan.id, asked


def _wait_for_holds(
    engine: Engine,
    plan_id: int,
    answered: dict[int, Answered],
    providers: list[Future[None]],
    timeout: float,
) -> None:
    deadline = time.monotonic() + timeout
    while any(not a.held_at for a in answered.values()):
        if time.monotonic() > deadline:
            raise TimeoutError("not every capacity request was held in time")
        for provider in providers:
            if provider.done():
                provider.result()  # a provider that failed stops the run now, with its error
        with Session(engine) as session:
            held = session.scalars(
                select(CapacityRequest.id).where(
                    CapacityRequest.operation_id == plan_id,
                    CapacityRequest.state == RequestState.HELD.value,
                )
            ).all()
        seen = time.time()
        for request_id in held:
            if not answered[request_id].held_at:
                answered[request_id].held_at = seen
        time.sleep(POLL_SECONDS)


def _ready(engine: Engine, plan_id: int) -> bool:
    with Session(engine) as session:
        plan = session.get(OperationPlan, plan_id)
        assert plan is not None
        now = readiness(session, plan)
        return all(n.missing == 0 for n in now.needs) and all(now.interpreters.values())


def _operation(
    engine: Engine, twilio: FakeTwilio, webhook: str, rng: random.Random, max_delay: float
) -> tuple[float, list[Answered]]:
    """One operation: its time from the plan to the last hold, and each request's times."""
    started = time.time()
    plan_id, asked = _plan(engine)
    if not asked:
        raise RuntimeError("the directory answered no capacity request")
    answered = {a.request_id: Answered() for a in asked}
    delays = [rng.uniform(0.0, max_delay) for _ in asked]
    with ThreadPoolExecutor(max_workers=len(asked)) as providers:
        running: list[Future[None]] = [
            providers.submit(_provider, twilio, webhook, a, d, answered[a.request_id])
            for a, d in zip(asked, delays, strict=True)
        ]
        _wait_for_holds(engine, plan_id, answered, running, timeout=120 + max_delay)
        for provider in running:
            provider.result()
    if not _ready(engine, plan_id):
        raise RuntimeError("every request is held, yet the readiness misses places")
    total = max(a.held_at for a in answered.values()) - started
    return total, [_relative(a, started) for a in answered.values()]


def _relative(answered: Answered, started: float) -> Answered:
    """The SMS time counted from the plan, the others kept as they are."""
    return Answered(
        answered.sms_at - started, answered.answered_at, answered.replied_at, answered.held_at
    )


def _row(name: str, values: list[float]) -> str:
    return (
        f"{name:<44} {len(values):>5} {percentile(values, 0.5):>7.2f} "
        f"{percentile(values, 0.95):>7.2f} {max(values):>7.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--operations", type=int, default=20, help="operations planned one after another"
    )
    parser.add_argument(
        "--max-delay",
        type=float,
        default=2.0,
        help="each provider answers after a delay drawn uniformly from 0 to this, in seconds",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=19,
        help="seed of the providers' delays and of the pauses between operations",
    )
    args = parser.parse_args()
    if args.operations < 1:
        parser.error("--operations must be at least 1")
    if args.max_delay < 0:
        parser.error("--max-delay must not be negative")
    rng = random.Random(args.seed)
    totals: list[float] = []
    requests: list[Answered] = []
    with (
        tempfile.TemporaryDirectory(prefix="passage-bench-") as folder,
        FakeTwilio() as twilio,
        api_and_worker(twilio) as (settings, engine),
    ):
        with Session(engine) as session, session.begin():
            operation_directory(session, Path(folder))
        webhook = f"http://127.0.0.1:{settings.api_port}/webhooks/twilio/sms"
        interval = settings.worker_interval_seconds
        for n in range(args.operations):
            # A pause of a random part of a tick, so that plans fall at any phase of the
            # worker's tick; back to back, each operation would start at the same phase.
            time.sleep(rng.uniform(0.0, interval))
            total, answered = _operation(engine, twilio, webhook, rng, args.max_delay)
            totals.append(total)
            requests += answered
            _progress(
                f"operation {n + 1}/{args.operations}: {len(answered)} requests, all held "
                f"{total:.2f} s after the plan (last SMS out at "
                f"{max(a.sms_at for a in answered):.2f} s)"
            )
    print(
        f"\nPlan to all holds answered: {args.operations} operations of 12 persons, "
        f"{len(requests)} capacity requests, providers answering after 0-{args.max_delay:g} s "
        f"(seed {args.seed}), worker tick {interval:g} s "
        f"({platform.machine()}, {platform.system()}, Python {platform.python_version()})"
    )
    print(f"{'figure':<44} {'n':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    print(_row("plan to the last hold recorded", totals))
    print(_row("plan to the SMS at Twilio (outbox, worker)", [a.sms_at for a in requests]))
    print(
        _row(
            "answer to the hold seen in the database", [a.held_at - a.answered_at for a in requests]
        )
    )
    print(
        _row("of which the webhook's round trip", [a.replied_at - a.answered_at for a in requests])
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
