"""An officer plans an operation on /operations/new in Chromium, on a phone's screen and by
keyboard only, and lands on its readiness page, which says how many capacity requests were
queued for the demo directory's providers."""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, ViewportSize, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts import create_account
from casework.capacity_requests import requests_of
from casework.operation_models import OperationPlan
from casework.roles import OFFICER
from tests.browser.conftest import DemoStack, screenshot
from tests.chat_texts import en

USERNAME = "officer.planner"
PASSWORD = "correct horse battery staple"
NARROW_PHONE: ViewportSize = {"width": 360, "height": 780}
# Tab presses allowed to reach one control: the whole form has fewer than 40.
MAX_TABS = 60


def _planner(demo: DemoStack) -> None:
    with Session(demo.stack.engine) as session:
        create_account(
            session,
            role=OFFICER,
            organization_id="police-almaty",
            username=USERNAME,
            password=PASSWORD,
            unit="unit-1",
            region="almaty",
            now=datetime.now(UTC),
            actor="browser-test",
            source="test",
        )
        session.commit()


def _focused(page: Page) -> str:
    """The focused control as `name=value` (a checkbox's value names it), or its tag."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.name ? (e.type === 'checkbox' ? e.name + '=' + e.value : e.name)"
            " : e.tagName.toLowerCase(); }"
        )
    )


def _tab_to(page: Page, control: str) -> None:
    """Press Tab until `control` (as _focused names it) has the focus: it is reachable by
    keyboard, after the controls before it."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if _focused(page) == control:
            return
    raise AssertionError(f"Tab never reached {control}")


def _type_moment(page: Page, name: str, moment: datetime) -> None:
    """A datetime-local by keyboard. Debian's Chromium shows it month/day/year, hour:minute
    AM/PM, whatever the page's locale; Tab moves from the date to the time segments."""
    _tab_to(page, name)
    page.keyboard.type(moment.strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type(moment.strftime("%I%M") + moment.strftime("%p")[0])
    value = page.locator(f"input[name={name}]").input_value()
    assert value == moment.strftime("%Y-%m-%dT%H:%M"), (name, value)


def test_an_officer_plans_an_operation_by_keyboard_on_a_phone(
    page: Page, demo_stack: DemoStack
) -> None:
    _planner(demo_stack)
    page.set_viewport_size(NARROW_PHONE)
    page.goto(f"{demo_stack.api}/operations")
    # Not logged in: the login page, which leads back here.
    page.get_by_label(re.compile("user", re.I)).fill(USERNAME)
    page.get_by_label(re.compile("password", re.I)).fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=en("inbox.operations.new"))).to_be_visible()
    page.get_by_role("link", name=en("inbox.operations.new")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=en("inbox.plan.title"))).to_be_visible()
    expect(page.get_by_text(en("inbox.plan.never"))).to_be_visible()
    # Nothing wider than a 360 px phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW_PHONE["width"]
    screenshot(page, "operation-plan")

    start = (datetime.now(UTC) + timedelta(hours=1)).replace(second=0, microsecond=0)
    end = start + timedelta(hours=12)
    for name, count in (("adults_female", "5"), ("adults_male", "2"), ("minors_female", "3")):
        _tab_to(page, name)
        page.keyboard.type(count)
    for box in ("languages=kk", "languages=ru", "needs=basic.housing", "needs=services.medical"):
        _tab_to(page, box)
        page.keyboard.press("Space")
    _type_moment(page, "window_start", start)
    _type_moment(page, "window_end", end)
    _tab_to(page, "safe_site_region")
    page.keyboard.type("Almaty")
    screenshot(page, "operation-plan-filled")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/operations/OP-[A-Z0-9]{6}\?planned=1$"))
    code = re.findall(r"OP-[A-Z0-9]{6}", page.url)[0]
    with Session(demo_stack.stack.engine) as session:
        plan = session.scalars(select(OperationPlan).where(OperationPlan.code == code)).one()
        asked = len(requests_of(session, plan))
    assert asked > 0  # the demo directory has providers in Almaty
    notice = page.get_by_role("status").filter(has_text=en("inbox.operation.planned", count=asked))
    expect(notice).to_be_visible()
    expect(page.get_by_role("heading", name=en("inbox.operation.title", code=code))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW_PHONE["width"]
    screenshot(page, "operation-planned")
