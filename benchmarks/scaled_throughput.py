"""Throughput and latency of the scaled profile: 30 officers go through a whole intake at once on
the web chat, against 1 and then 2 replicas of every process (PostgreSQL for the app and Rasa's
tracker, Redis for locks, limits and pushes; nginx in front of 2 replicas).

Each officer is a thread posting as the page does (`/chat/messages`, the chat cookie and a tab),
from "start a case" to the summary of the typical case (benchmarks/intake_turns.py), so every
turn runs the custom actions a real one does. Reported per setup: turns per second over the
whole run, and each turn's latency (p50, p95). Needs PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379 (PASSAGE_TEST_POSTGRES_URL and PASSAGE_TEST_REDIS_URL to change them), and
Debian's nginx; says so and stops when they are missing.

    python -m benchmarks.scaled_throughput [--conversations 30] [--replicas 1,2]
"""

import argparse
import os
import platform
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks.bench_stack import percentile, whole_stack
from benchmarks.chats import WebChat
from benchmarks.intake_turns import TYPICAL, run_intake
from passage.config import Settings


class _Timings:
    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.lock = threading.Lock()


TIMINGS = _Timings()


class TimedWebChat(WebChat):
    def say(self, message: str, **fields: Any) -> list[dict[str, Any]]:
        started = time.perf_counter()
        replies = super().say(message, **fields)
        with TIMINGS.lock:
            TIMINGS.seconds.append(time.perf_counter() - started)
        return replies


def _measure(settings: Settings, conversations: int) -> tuple[int, float, float, float]:
    run_intake(settings, TYPICAL, mode="web chat controls")  # warm-up: models, pools, caches
    TIMINGS.seconds.clear()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=conversations) as pool:
        intakes = [
            pool.submit(
                run_intake, settings, TYPICAL, mode="web chat controls", web_chat=TimedWebChat
            )
            for _ in range(conversations)
        ]
        for intake in intakes:
            intake.result()
    elapsed = time.perf_counter() - started
    turns = list(TIMINGS.seconds)
    return len(turns), len(turns) / elapsed, percentile(turns, 0.5), percentile(turns, 0.95)


def _services_answer() -> bool:
    checked = subprocess.run(["scripts/scaled-services"], check=False)
    return checked.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=30)
    parser.add_argument("--replicas", default="1,2", help="comma-separated, e.g. 1,2")
    args = parser.parse_args()
    if not _services_answer():
        print("benchmarks.scaled_throughput: skipped, it needs PostgreSQL and Redis (above).")
        return 0
    # Every stack of the run on fresh PostgreSQL databases and Redis (tests/e2e/scaled_profile.py).
    os.environ["PASSAGE_E2E_PROFILE"] = "scaled"
    rows = []
    for replicas in (int(n) for n in args.replicas.split(",")):
        print(f"starting {replicas} replica(s) of each process ...", file=sys.stderr, flush=True)
        with whole_stack(None, replicas=replicas) as stack:
            rows.append((replicas, *_measure(stack.settings, args.conversations)))
    print(
        f"\nScaled profile, {args.conversations} officers through a whole intake at once, "
        f"web chat; {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}"
    )
    print(f"{'replicas':>8} {'turns':>6} {'turns/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for replicas, turns, rate, p50, p95 in rows:
        print(f"{replicas:>8} {turns:>6} {rate:>8.1f} {p50 * 1000:>8.0f} {p95 * 1000:>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
