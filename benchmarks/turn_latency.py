"""Conversation turn latency over the REST channel: the full stack against Rasa alone.

(a) full stack: web chat endpoint of the API -> Rasa -> action server -> app database, every turn
    running a custom action that writes a case ("/start_case");
(b) Rasa alone: Rasa's REST channel answering from a plain response ("/help", no custom action).
Both run in the same session against the same processes, with N concurrent conversations.
"""

import argparse
import platform
import socket
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from passage.migrate import upgrade
from passage.processes import ProcessGroup
from passage.rasa_project import RasaProject
from passage.settings import Settings
from passage.stack import build_processes


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _conversation(url: str, message: str, turns: int, sender_key: str) -> list[float]:
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    timings = []
    with httpx.Client(timeout=60) as client:
        for _ in range(turns):
            started = time.perf_counter()
            response = client.post(url, json={sender_key: sender, "message": message})
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            if not response.json():
                raise RuntimeError(f"no reply from {url}")
            timings.append(elapsed)
    return timings


def measure(url: str, message: str, turns: int, concurrency: int) -> list[float]:
    per_conversation = -(-turns // concurrency)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = pool.map(
            lambda _: _conversation(url, message, per_conversation, "sender"), range(concurrency)
        )
    return [t for timings in results for t in timings]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=400, help="turns per scenario (at least 200)")
    parser.add_argument("--concurrency", type=int, default=10, help="concurrent conversations")
    args = parser.parse_args()
    if args.turns < 200 or args.concurrency < 1:
        parser.error("--turns must be at least 200 and --concurrency at least 1")

    with tempfile.TemporaryDirectory(prefix="passage-bench-") as tmp:
        settings = Settings(
            var_dir=Path(tmp) / "var",
            actions_port=_free_port(),
            rasa_port=_free_port(),
            api_port=_free_port(),
            rasa_executable=Path(".venv-rasa/bin/rasa").resolve(),
            log_level="WARNING",
        )
        upgrade(settings.resolved_database_url)
        model = RasaProject(settings).ensure_model()
        group = ProcessGroup(build_processes(settings, model, names=("actions", "rasa", "api")))
        print("starting the action server, Rasa and the API ...", file=sys.stderr, flush=True)
        group.start_all(timeout=300)
        try:
            api = f"http://{settings.host}:{settings.api_port}/chat/messages"
            rest = f"{settings.resolved_rasa_url}/webhooks/rest/webhook"
            measure(rest, "/help", args.concurrency, args.concurrency)  # warm-up
            measure(api, "/start_case", args.concurrency, args.concurrency)
            print(f"measuring {args.turns} turns per scenario ...", file=sys.stderr, flush=True)
            full = measure(api, "/start_case", args.turns, args.concurrency)
            alone = measure(rest, "/help", args.turns, args.concurrency)
        finally:
            group.stop_all()

    rows = [
        ("(a) full stack: API, Rasa, action, DB", full),
        ("(b) Rasa alone, plain response", alone),
    ]
    print(
        f"\nTurn latency, {args.concurrency} concurrent conversations "
        f"({platform.machine()}, {platform.system()}, Python {platform.python_version()})"
    )
    print(f"{'scenario':<40} {'turns':>6} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for name, values in rows:
        print(
            f"{name:<40} {len(values):>6} {percentile(values, 0.5) * 1000:>8.1f} "
            f"{percentile(values, 0.95) * 1000:>8.1f} {statistics.mean(values) * 1000:>8.1f}"
        )
    print(
        f"{'ratio a/b':<40} {'':>6} {percentile(full, 0.5) / percentile(alone, 0.5):>8.2f} "
        f"{percentile(full, 0.95) / percentile(alone, 0.95):>8.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
