"""Conversation turn latency over the REST channel: the full stack against Rasa alone.

(a) full stack: the web chat as a page uses it (chat cookie, tab id, the API's endpoint) -> Rasa's
    web chat channel -> action server -> app database, every turn running a custom action that
    writes a case ("/start_case");
(b) Rasa alone: Rasa's REST channel answering from a plain response ("/help", no custom action).
Both run in the same session against the same processes, with N concurrent conversations.
"""

import argparse
import platform
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks.bench_stack import percentile, running_stack
from benchmarks.chats import RestChat, WebChat, enrolled
from passage.config import Settings

Chat = type[RestChat] | type[WebChat]


def _conversation(settings: Settings, kind: Chat, message: str, turns: int) -> list[float]:
    chat = enrolled(kind(settings), settings)
    timings = []
    for _ in range(turns):
        started = time.perf_counter()
        replies = chat.say(message)
        timings.append(time.perf_counter() - started)
        if not replies:
            raise RuntimeError(f"no reply from the {kind.__name__}")
    return timings


def measure(
    settings: Settings, kind: Chat, message: str, turns: int, concurrency: int
) -> list[float]:
    per_conversation = -(-turns // concurrency)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = pool.map(
            lambda _: _conversation(settings, kind, message, per_conversation), range(concurrency)
        )
    return [t for timings in results for t in timings]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=400, help="turns per scenario (at least 200)")
    parser.add_argument("--concurrency", type=int, default=10, help="concurrent conversations")
    args = parser.parse_args()
    if args.turns < 200 or args.concurrency < 1:
        parser.error("--turns must be at least 200 and --concurrency at least 1")

    with running_stack() as settings:
        measure(settings, RestChat, "/help", args.concurrency, args.concurrency)  # warm-up
        measure(settings, WebChat, "/start_case", args.concurrency, args.concurrency)
        print(f"measuring {args.turns} turns per scenario ...", file=sys.stderr, flush=True)
        full = measure(settings, WebChat, "/start_case", args.turns, args.concurrency)
        alone = measure(settings, RestChat, "/help", args.turns, args.concurrency)

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
