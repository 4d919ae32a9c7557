"""Referral SMS throughput through the outbox, against calling the twilio client directly.

1,000 referrals are made with the domain code (consent gate, matching, one outbox row each);
then real workers (`passage serve worker`, separate processes, the loop a deployment runs) send
them with the real twilio client to our fake Twilio server on 127.0.0.1. In the same run the
same client, called directly from this process, sends as many messages with the same bodies.
The fake server runs in a process of its own, so that neither the direct client nor a worker
shares an interpreter with it.

    python -m benchmarks.outbox_send                        # SQLite, 1 worker
    python -m benchmarks.outbox_send --postgres --workers 1,2

`--postgres` adds, for each worker count, a fresh database on the server of `--postgres-url`
(dropped afterwards). Without a server there, it says so in one line and measures the rest.

Rows are made due only once every worker has beaten its first heartbeat, so that 2 workers
start together; sends per second are counted from the first SMS at the fake Twilio to the
last. Each path is measured `--rounds` times, interleaved (the same rows are made pending again
for the next round), and the median is reported: other work on a shared machine moves single
runs a lot. Every run checks that each outbox row reached the fake Twilio exactly once and
ended `sent` after one attempt.
"""

import argparse
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Engine, create_engine, delete, func, select, text, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from casework.models import WorkerHeartbeat
from casework.referral_models import OutboxMessage
from casework.referrals import send_chosen_referral
from casework.twilio_transport import twilio_client
from passage.config import make_engine
from passage.runtime.migrate import upgrade
from passage.runtime.sandbox.fake_twilio import FakeTwilio
from tests.casework.referral_builders import OFFICER, POLICY, ready_case, shelters
from tests.postgres.throwaway import throwaway_databases

COUNT = 1000
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
RECIPIENT = "+15005551001"
DIRECT = "twilio client directly"
# The workers' default interval. Workers started together tick together, so 2 of them take up
# rows made due at about the same moment; a tick's other jobs run once per interval while the
# outbox has a backlog, so a shorter tick would measure them more often than a deployment runs them.
TICK_SECONDS = 5.0


def _progress(text_: str) -> None:
    print(text_, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Sent:
    """One SMS as the fake Twilio recorded it."""

    to: str
    body: str
    outbox_id: int | None
    at: float


@dataclass(frozen=True)
class Gateway:
    account_sid: str
    auth_token: str
    from_number: str
    base_url: str


def _serve_fake_twilio(conn: Connection) -> None:
    with FakeTwilio() as fake:
        conn.send(Gateway(fake.account_sid, fake.auth_token, fake.valid_from, fake.base_url))
        while conn.recv() == "messages":
            conn.send(
                [_sent(m.to, m.body, m.status_callback, m.received_at) for m in fake.messages]
            )


def _sent(to: str, body: str, callback: str | None, at: datetime) -> Sent:
    ids = parse_qs(urlsplit(callback or "").query).get("outbox", [])
    return Sent(to, body, int(ids[0]) if ids else None, at.timestamp())


class FakeTwilioProcess:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_fake_twilio, args=(child,), daemon=True)
        self._process.start()
        # Only the child holds its end now, so a child that dies makes recv() raise EOFError.
        child.close()
        self.gateway: Gateway = self._receive()

    def _receive(self) -> Any:
        if not self._conn.poll(60):
            raise RuntimeError("the fake Twilio process did not answer within 60 s")
        return self._conn.recv()

    def messages(self) -> list[Sent]:
        self._conn.send("messages")
        sent: list[Sent] = self._receive()
        return sent

    def stop(self) -> None:
        if self._process.is_alive():
            self._conn.send("stop")
        self._process.join(timeout=10)


@dataclass(frozen=True)
class Run:
    label: str
    seconds: float  # first SMS to last at the fake Twilio
    from_due: float  # rows made due to the last SMS (includes the workers' tick phase)
    count: int
    cpu: float = 0.0  # the workers' CPU seconds from rows due to the last SMS

    @property
    def rate(self) -> float:
        return (self.count - 1) / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True)
class Target:
    """A database holding COUNT referrals, sent again in each round by `workers` workers."""

    label: str
    url: str
    workers: int


def _make_referrals(url: str, folder: Path) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            shelters(session, folder)
        with Session(engine) as session, session.begin():
            now = datetime.now(UTC)
            for _ in range(COUNT):
                case = ready_case(session)
                send_chosen_referral(
                    session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=now
                )
    finally:
        engine.dispose()


def _hold_back(session: Session) -> None:
    """Every row pending again, as just written, but not due until the workers are up."""
    later = datetime.now(UTC) + timedelta(days=1)
    session.execute(
        update(OutboxMessage).values(
            state="pending",
            attempts=0,
            next_attempt_at=later,
            claimed_at=None,
            sent_at=None,
            carrier_id=None,
            delivery_status=None,
            last_error=None,
        )
    )
    # The workers of an earlier round must not count as this round's.
    session.execute(delete(WorkerHeartbeat))


def _worker_env(url: str, gateway: Gateway, tick: float) -> dict[str, str]:
    # PASSAGE_VAR_DIR is this process's: the workers read the data keys the referrals were
    # written with.
    return os.environ | {
        "PASSAGE_DATABASE_URL": url,
        "PASSAGE_TWILIO_ACCOUNT_SID": gateway.account_sid,
        "PASSAGE_TWILIO_AUTH_TOKEN": gateway.auth_token,
        "PASSAGE_TWILIO_FROM_NUMBER": gateway.from_number,
        "PASSAGE_TWILIO_API_BASE": gateway.base_url,
        "PASSAGE_PUBLIC_BASE_URL": "http://127.0.0.1:9",
        "PASSAGE_WORKER_INTERVAL_SECONDS": str(tick),
        "PASSAGE_LOG_LEVEL": "WARNING",
    }


@contextmanager
def _workers(n: int, env: dict[str, str], log: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    command = [sys.executable, "-m", "passage.cli.main", "serve", "worker"]
    with log.open("ab") as out:
        processes = [
            subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
            for _ in range(n)
        ]
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_heartbeats(
    engine: Engine, n: int, processes: Sequence[subprocess.Popen[bytes]]
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError("a worker stopped before its first tick")
        with Session(engine) as session:
            if (session.scalar(select(func.count()).select_from(WorkerHeartbeat)) or 0) >= n:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{n} worker(s) did not beat within 60 s")


def _check_once(engine: Engine, sent: list[Sent]) -> None:
    with Session(engine) as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.state, OutboxMessage.attempts)
        ).all()
    # An SMS naming no outbox row counts as row 0, which no row has: "unknown".
    per_row = Counter(message.outbox_id or 0 for message in sent)
    expected = {row.id for row in rows}
    twice = sorted(i for i, count in per_row.items() if count > 1)
    unknown = sorted(i for i in per_row if i not in expected)
    missing = sorted(expected - set(per_row))
    states = Counter(row.state for row in rows)
    retried = sum(row.attempts != 1 for row in rows)
    if twice or unknown or missing or states != {"sent": len(rows)} or retried:
        raise AssertionError(
            f"not exactly once: {len(twice)} sent twice, {len(missing)} never, "
            f"{len(unknown)} unknown, states {dict(states)}, {retried} retried"
        )


def _run_outbox(target: Target, folder: Path, fake: FakeTwilioProcess, tick: float) -> Run:
    engine = make_engine(target.url)
    try:
        with Session(engine) as session, session.begin():
            _hold_back(session)
        before = len(fake.messages())
        _progress(f"{target.label}: sending ...")
        log = folder / "workers.log"
        with _workers(target.workers, _worker_env(target.url, fake.gateway, tick), log) as workers:
            try:
                _wait_for_heartbeats(engine, target.workers, workers)
            except RuntimeError as error:
                tail = log.read_text(errors="replace").strip().splitlines()[-5:]
                raise RuntimeError(f"{error}; its log ends:\n" + "\n".join(tail)) from None
            started_cpu = sum(_cpu_seconds(process.pid) for process in workers)
            with Session(engine) as session, session.begin():
                due = time.time()
                session.execute(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC)))
            _wait_for(fake, before + COUNT, workers)
            cpu = sum(_cpu_seconds(process.pid) for process in workers) - started_cpu
            # A late duplicate would arrive now, after the last expected SMS.
            time.sleep(min(tick, 1.0) + 0.5)
        sent = fake.messages()[before:]
        _check_once(engine, sent)
    finally:
        engine.dispose()
    first, last = sent[0].at, sent[-1].at
    return Run(target.label, last - first, last - due, len(sent), cpu)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux), 0 where /proc is not there."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime are fields 14 and 15 of stat(5); [0] here is field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for(
    fake: FakeTwilioProcess, total: int, processes: Sequence[subprocess.Popen[bytes]]
) -> None:
    limit = max(120.0, COUNT / 2)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if len(fake.messages()) >= total:
            return
        if all(process.poll() is not None for process in processes):
            raise RuntimeError("every worker stopped before the outbox was sent")
        time.sleep(0.1)
    raise RuntimeError(f"the outbox was not sent within {limit:.0f} s")


def _run_direct(fake: FakeTwilioProcess, bodies: Sequence[str]) -> Run:
    gateway = fake.gateway
    client = twilio_client(gateway.account_sid, gateway.auth_token, gateway.base_url)
    before = len(fake.messages())
    _progress("twilio client directly ...")
    for index, body in enumerate(bodies):
        client.messages.create(
            to=RECIPIENT,
            from_=gateway.from_number,
            body=body,
            status_callback=f"http://127.0.0.1:9/webhooks/twilio/status?direct={index}",
        )
    sent = fake.messages()[before:]
    if len(sent) != len(bodies):
        raise AssertionError(f"the fake Twilio got {len(sent)} of {len(bodies)}")
    first, last = sent[0].at, sent[-1].at
    return Run(DIRECT, last - first, last - first, len(sent))


@contextmanager
def _postgres_database(admin_url: URL) -> Iterator[str]:
    with throwaway_databases(admin_url, "passage_bench_outbox") as (url,):
        yield url


def _postgres_absent(admin_url: URL) -> str | None:
    """Why PostgreSQL cannot be used, or None when it answers."""
    engine = create_engine(admin_url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        return f"no answer at {admin_url.render_as_string()}: {reason}"
    finally:
        engine.dispose()
    return None


def _worker_counts(value: str) -> list[int]:
    try:
        counts = [int(part) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {value!r}") from error
    if not counts or any(n < 1 or n > 8 for n in counts):
        raise argparse.ArgumentTypeError("worker counts are 1 to 8, e.g. 1,2")
    return counts


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.outbox_send", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--postgres", action="store_true", help="also measure on PostgreSQL (a fresh database)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PASSAGE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="a database on the server to make the fresh one on (default: %(default)s)",
    )
    parser.add_argument(
        "--workers",
        type=_worker_counts,
        default=[1, 2],
        help="worker processes on PostgreSQL, one run each (default: 1,2); SQLite has one",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        choices=range(1, 11),
        default=3,
        metavar="N",
        help="each path measured N times, interleaved; the median is reported (default: 3)",
    )
    parser.add_argument(
        "--tick",
        type=float,
        default=TICK_SECONDS,
        help="the workers' PASSAGE_WORKER_INTERVAL_SECONDS (default: %(default)s)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    admin_url = make_url(args.postgres_url)
    postgres_note = _postgres_absent(admin_url) if args.postgres else None
    runs: list[Run] = []
    fake = FakeTwilioProcess()
    try:
        with tempfile.TemporaryDirectory() as folder, ExitStack() as databases:
            os.environ["PASSAGE_VAR_DIR"] = str(Path(folder) / "var")
            sqlite = f"sqlite:///{Path(folder) / 'bench.db'}"
            targets = [Target("SQLite, 1 worker", sqlite, 1)]
            if args.postgres and postgres_note is None:
                postgres = databases.enter_context(_postgres_database(admin_url))
                for n in args.workers:
                    targets.append(Target(f"PostgreSQL, {n} worker{'s' * (n > 1)}", postgres, n))
            for url in dict.fromkeys(target.url for target in targets):
                _progress(f"making {COUNT} referrals in {make_url(url).get_backend_name()} ...")
                _make_referrals(url, Path(folder))
            with Session(engine := make_engine(sqlite)) as session:
                bodies = list(
                    session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id))
                )
            engine.dispose()
            for round_ in range(args.rounds):
                _progress(f"round {round_ + 1} of {args.rounds}")
                runs.append(_run_direct(fake, bodies))
                runs.extend(_run_outbox(t, Path(folder), fake, args.tick) for t in targets)
    finally:
        fake.stop()
    _report(runs, args, postgres_note)
    return 0


def _report(runs: Sequence[Run], args: argparse.Namespace, postgres_note: str | None) -> None:
    by_label: dict[str, list[Run]] = {}
    for run in runs:
        by_label.setdefault(run.label, []).append(run)
    direct = median(run.rate for run in by_label[DIRECT])
    print(
        f"referral SMS to a fake Twilio on 127.0.0.1: {COUNT} per run, {args.rounds} round(s), "
        f"median sends/s (first SMS to last), worker tick {args.tick} s"
    )
    for label, measured in by_label.items():
        rate = median(run.rate for run in measured)
        spread = f"{min(r.rate for r in measured):.0f}-{max(r.rate for r in measured):.0f}"
        ratio = "" if label == DIRECT else f"  raw/outbox x{direct / rate:.2f}"
        print(f"  {label:<24} {rate:5.0f}/s  (runs {spread}){ratio}")
    for label, measured in by_label.items():
        if label == DIRECT:
            continue
        due = median(run.from_due for run in measured)
        cpu = median(run.cpu for run in measured) * 1000 / COUNT
        print(
            f"  {label}: every row sent exactly once in every run (checked at the fake Twilio "
            f"and in the outbox); made due to last SMS {due:.2f} s; worker CPU {cpu:.1f} ms/SMS"
        )
    if postgres_note is not None:
        print(f"  PostgreSQL not measured: {postgres_note}")


if __name__ == "__main__":
    sys.exit(main())
