"""Conversation turn latency over the REST channel: the full stack against Rasa alone.

(a) full stack: the web chat as a page uses it (chat cookie, tab id, the API's endpoint) -> Rasa's
    web chat channel -> action server -> app database, every turn running a custom action that
    writes a case ("/start_case");
(b) Rasa alone: Rasa's REST channel answering from a plain response ("/help", no custom action).
Both run in the same session against the same processes, with N concurrent conversations.

It then counts the action server's calls per officer turn, for opening a case, for an answer
in the interview and for "help" in it: the action server keeps its answer to each call for a
web-chat message (casework/action_replays.py), so the rows added during a turn are its calls.
"""

import argparse
import platform
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, func, select

from benchmarks.bench_stack import percentile, running_stack
from benchmarks.chats import RestChat, WebChat, enrolled
from casework.action_replays import ActionReplay
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


CALL_COUNT_CONVERSATIONS = 10
# The interview's first question (urgent medical care) answered "no", then "help" on the next.
INTERVIEW_TURNS = (
    ("opening a case (/start_case)", "/start_case"),
    ("an answer in the interview", '/choose{"choice": "no"}'),
    ("help during the interview", "/help"),
)


def action_calls_per_turn(settings: Settings) -> list[tuple[str, float]]:
    """Calls per turn of each kind, averaged over a few conversations (one at a time)."""
    engine = create_engine(settings.resolved_database_url)
    count = select(func.count()).select_from(ActionReplay)
    calls = dict.fromkeys((name for name, _ in INTERVIEW_TURNS), 0)
    try:
        for _ in range(CALL_COUNT_CONVERSATIONS):
            chat = enrolled(WebChat(settings), settings)
            for name, message in INTERVIEW_TURNS:
                with engine.connect() as connection:
                    before = connection.scalar(count) or 0
                if not chat.say(message):
                    raise RuntimeError(f"no reply to {message}")
                with engine.connect() as connection:
                    calls[name] += (connection.scalar(count) or 0) - before
    finally:
        engine.dispose()
    return [(name, total / CALL_COUNT_CONVERSATIONS) for name, total in calls.items()]


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
        print("counting action-server calls per turn ...", file=sys.stderr, flush=True)
        calls = action_calls_per_turn(settings)

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
    print(f"\nAction-server calls per officer turn ({CALL_COUNT_CONVERSATIONS} conversations)")
    for name, per_turn in calls:
        print(f"{name:<40} {per_turn:>6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
