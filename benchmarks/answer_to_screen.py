"""Answer to officer's screen: from a provider's acceptance to the news on the officer's page.

The stack `make run` starts without a Twilio account (phone sandbox, worker tick of the
default PASSAGE_WORKER_INTERVAL_SECONDS), the demo directory, Debian's Chromium. For each
referral an officer's page walks a typical case in the web chat and sends it to the demo
shelter; the provider then accepts, alternately by SMS (the "Accept" button of the sandbox phone
page, which posts a signed reply as Twilio would) and in the intake inbox (its Accept button).
The time runs from that click to the moment the acceptance is in the officer's page, which
nobody touches meanwhile.
"""

import argparse
import platform
import statistics
import sys
import time
from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.orm import Session

from benchmarks.bench_stack import percentile, whole_stack
from casework.demo_accounts import DemoAccess, create_demo_accounts
from referral_directory.importer import import_directory
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, PHONE_SIZE
from tests.browser.officer_page import OfficerPage
from tests.e2e.stack import Stack

SHELTER = "Apple Orchard Women's Refuge (demo)"
_SHOWN = """(code) => [...document.querySelectorAll('#log li.bot')]
    .some((li) => li.textContent.includes(code) && li.textContent.includes('accepted'))"""


def _referral_sent(browser: Browser, stack: Stack, n: int) -> tuple[Page, str, int]:
    context = browser.new_context(viewport=PHONE_SIZE)
    page = context.new_page()
    page.set_default_timeout(60_000)
    officer = OfficerPage(page, stack.api)
    officer.open()
    officer.enrol(stack.enrolment_code(f"bench.screen.{n}", region="almaty"))
    officer.start_case()
    start = officer.turns
    officer.typical_case_to_proposals()
    case_turns = officer.turns - start + 1  # and the turn that started the case
    return page, officer.send_to_first_proposal(), case_turns


def _accept_by_sms(browser: Browser, stack: Stack, code: str) -> float:
    phone = browser.new_page()
    phone.goto(f"{stack.api}/dev/phone")
    shelter = phone.locator("section.phone").filter(has_text=SHELTER)
    button = shelter.get_by_role("button", name=f"Accept {code}")
    button.wait_for(timeout=60_000)
    started = time.perf_counter()
    button.click()
    phone.close()
    return started


def _accept_in_inbox(browser: Browser, stack: Stack, demo: DemoAccess, code: str) -> float:
    inbox = browser.new_page()
    inbox.goto(f"{stack.api}/intake/login")
    inbox.locator("input[name=username]").fill(demo.intake)
    inbox.locator("input[name=password]").fill(demo.intake_password)
    inbox.locator("form.login button").click()
    inbox.get_by_role("link", name=code).first.click()
    accept = inbox.locator("form[action$='/accept'] button")
    accept.wait_for()
    started = time.perf_counter()
    accept.click()
    inbox.close()
    return started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--referrals", type=int, default=20, help="referrals (at least 4)")
    args = parser.parse_args()
    if args.referrals < 4:
        parser.error("--referrals must be at least 4")
    timings: dict[str, list[float]] = {"SMS reply (phone sandbox)": [], "intake inbox": []}
    turns: list[int] = []
    with whole_stack(None) as stack:
        with Session(stack.engine) as session:
            assert import_directory(session, stack.settings.demo_directory).ok
            demo = create_demo_accounts(session, now=datetime.now(UTC))
            assert demo is not None
            session.commit()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            for n in range(args.referrals):
                page, code, case_turns = _referral_sent(browser, stack, n)
                turns.append(case_turns)
                by_sms = n % 2 == 0
                started = (
                    _accept_by_sms(browser, stack, code)
                    if by_sms
                    else _accept_in_inbox(browser, stack, demo, code)
                )
                page.wait_for_function(_SHOWN, arg=code, polling="raf", timeout=60_000)
                elapsed = time.perf_counter() - started
                timings["SMS reply (phone sandbox)" if by_sms else "intake inbox"].append(elapsed)
                print(f"referral {n + 1}: {elapsed:.2f} s", file=sys.stderr, flush=True)
                page.context.close()
            browser.close()
    interval = stack.settings.worker_interval_seconds
    print(
        f"\nAnswer to officer's screen, {args.referrals} referrals, worker tick {interval:g} s "
        f"({platform.machine()}, {platform.system()}, Python {platform.python_version()})"
    )
    print(f"{'provider answers by':<28} {'n':>3} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for name, values in timings.items():
        print(
            f"{name:<28} {len(values):>3} {percentile(values, 0.5):>7.2f} "
            f"{percentile(values, 0.95):>7.2f} {max(values):>7.2f}"
        )
    print(
        f"officer turns per case in the browser, start to summary: "
        f"{min(turns)}-{max(turns)} (mean {statistics.mean(turns):.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
