"""Officers on their apps: turns for a typical case on each channel, and the time from a
provider's answer to the news arriving at the officer's app.

The stack `make run` starts, with the worker's default tick, Telegram pointed at our fake Bot
API server and Twilio at our fake Twilio, both on 127.0.0.1. For each channel (Telegram with
buttons, SMS and WhatsApp with numbers) officers walk a typical case to a referral; the
provider accepts by SMS (`1 <code>`, signed as Twilio signs); the time runs from that post to
the moment the fake server was sent the news for the officer's chat or phone.
"""

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_stack import percentile, whole_stack
from passage.runtime.sandbox.fake_twilio import FakeTwilio
from tests.e2e.app_officers import PROVIDER, PhoneOfficer, TelegramOfficer, karaganda_shelter
from tests.e2e.stack import Stack
from tests.fakes.fake_telegram import FakeTelegram


def _accept(stack: Stack, twilio: FakeTwilio, code: str) -> float:
    while not any(code in m.body and m.to == PROVIDER for m in twilio.messages):
        time.sleep(0.05)
    started = time.perf_counter()
    response = twilio.post_inbound(f"{stack.api}/webhooks/twilio/sms", PROVIDER, f"1 {code}")
    response.raise_for_status()
    return started


def _telegram_case(
    stack: Stack, telegram: FakeTelegram, twilio: FakeTwilio, n: int
) -> tuple[int, float]:
    officer = TelegramOfficer(stack, chat_id=9_100_000 + n)
    code, turns = officer.case_to_referral()
    started = _accept(stack, twilio, code)
    telegram.wait_for(officer.chat_id, f"accepted referral {code}", timeout=60)
    return turns, time.perf_counter() - started


def _phone_case(stack: Stack, twilio: FakeTwilio, address: str) -> tuple[int, float]:
    officer = PhoneOfficer(stack, address)
    code, turns = officer.case_to_referral()
    started = _accept(stack, twilio, code)
    deadline = time.monotonic() + 60
    while not any(f"accepted referral {code}" in m.body for m in officer.received()):
        if time.monotonic() > deadline:
            raise RuntimeError("the news never reached the phone")
        time.sleep(0.005)
    return turns, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10, help="cases per channel (at least 2)")
    args = parser.parse_args()
    if args.cases < 2:
        parser.error("--cases must be at least 2")
    results: dict[str, list[tuple[int, float]]] = {"Telegram": [], "SMS": [], "WhatsApp": []}
    with (
        tempfile.TemporaryDirectory(prefix="passage-bench-") as tmp,
        FakeTwilio() as twilio,
        FakeTelegram() as telegram,
        whole_stack(
            twilio,
            telegram_bot_token=telegram.token,
            telegram_api_base=telegram.base_url,
            twilio_whatsapp_from=f"whatsapp:{twilio.valid_from}",
        ) as stack,
    ):
        stack.telegram = telegram
        karaganda_shelter(stack, Path(tmp))
        for n in range(args.cases):
            results["Telegram"].append(_telegram_case(stack, telegram, twilio, n))
            results["SMS"].append(_phone_case(stack, twilio, f"+1500556{n:04d}"))
            results["WhatsApp"].append(_phone_case(stack, twilio, f"whatsapp:+1500557{n:04d}"))
            print(f"case {n + 1} on each channel", file=sys.stderr, flush=True)
    print(
        f"\nOfficers on their apps, {args.cases} typical cases per channel "
        f"({platform.machine()}, {platform.system()}, Python {platform.python_version()})"
    )
    print(f"{'channel':<10} {'turns':>6} {'news p50 s':>11} {'news p95 s':>11} {'max s':>7}")
    for channel, rows in results.items():
        turns = sorted({t for t, _ in rows})
        times = [s for _, s in rows]
        shown = "/".join(str(t) for t in turns)
        print(
            f"{channel:<10} {shown:>6} {percentile(times, 0.5):>11.2f} "
            f"{percentile(times, 0.95):>11.2f} {max(times):>7.2f}"
        )
    mean = statistics.mean(s for rows in results.values() for _, s in rows)
    print(f"(mean news time over all channels: {mean:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
