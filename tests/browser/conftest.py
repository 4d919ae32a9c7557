"""Browser tests: Debian's Chromium driven by Playwright against the stack `make run` starts
without a Twilio account (so with the phone sandbox), on the demo directory and demo accounts.

`make test` installs Chromium with apt-get when it is missing (as root); without it these tests
fail and say what to install. Playwright never downloads a browser here.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy.orm import Session

from casework.demo_accounts import DemoAccess, create_demo_accounts
from passage.config import Settings, get_settings
from passage.core.field_crypto.keyring import new_key_line
from referral_directory.importer import import_directory
from tests.e2e.stack import Stack, start_stack

CHROMIUM = Path("/usr/bin/chromium")
# What the machine's closed network needs (see ../shared/notes/channels.md).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENS = Path("var/results/screens")
PHONE_SIZE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


@dataclass
class DemoStack:
    stack: Stack
    demo: DemoAccess

    @property
    def api(self) -> str:
        return self.stack.api

    @property
    def settings(self) -> Settings:
        return self.stack.settings


@pytest.fixture(scope="package")
def demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    data_keys = new_key_line()
    saved_keys = os.environ.get("PASSAGE_DATA_KEYS")
    os.environ["PASSAGE_DATA_KEYS"] = data_keys
    get_settings.cache_clear()
    stack = start_stack(tmp_path_factory.mktemp("browser") / "var", None, data_keys=data_keys)
    try:
        with Session(stack.engine) as session:
            report = import_directory(session, stack.settings.demo_directory)
            assert report.ok, report.lines()
            demo = create_demo_accounts(session, now=datetime.now(UTC))
            assert demo is not None
            session.commit()
        yield DemoStack(stack, demo)
    finally:
        stack.stop()
        if saved_keys is None:
            os.environ.pop("PASSAGE_DATA_KEYS", None)
        else:
            os.environ["PASSAGE_DATA_KEYS"] = saved_keys
        get_settings.cache_clear()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), "
            "which `make test` does by itself when it runs as root"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies), the size of a phone."""
    context = browser.new_context(viewport=PHONE_SIZE, locale="en-GB")
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def screenshot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"))  # what the phone's screen shows
