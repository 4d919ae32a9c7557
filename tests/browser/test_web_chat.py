"""The officer's whole path in the web chat, in Chromium, down to what reaches the screen:
a provider's answer appears on the officer's page without the officer typing anything."""

import re
import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.chat_identity import COOKIE_NAME, sender_for
from casework.enrolment import account_for_sender
from casework.referral_models import OutboxMessage, Referral, ReferralEvent
from casework.transcripts import TranscriptStore
from passage.config.process_keys import chat_key
from passage.runtime.processes import ProcessGroup
from passage.runtime.stack import build_processes
from tests.browser.conftest import DemoStack, screenshot
from tests.browser.officer_page import OfficerPage
from tests.chat_texts import CATALOGS, en
from tests.e2e.stack import Stack
from translations.bidi import isolate

SHELTER = "Apple Orchard Women's Refuge (demo)"
HIDDEN_ADDRESS = "12 Orchard Lane (Bagdarly), Medeu District"


def _officer(page: Page, demo: DemoStack, username: str) -> OfficerPage:
    officer = OfficerPage(page, demo.api)
    officer.open()
    officer.enrol(demo.stack.enrolment_code(username, region="almaty"))
    return officer


def _status(stack: Stack, code: str) -> str:
    with Session(stack.engine) as session:
        return session.scalars(select(Referral.status).where(Referral.code == code)).one()


def _told_on_screen(officer: OfficerPage, code: str) -> str:
    accepted = en("referral.notice.accepted", provider=isolate(SHELTER), code=code, need="")
    notice = officer.expect_said(accepted.split(code)[0].strip())
    text = notice.inner_text()
    assert code in text
    return text


@pytest.mark.walkthrough
def test_an_sms_acceptance_in_the_phone_sandbox_reaches_the_officers_page(
    page: Page, context: BrowserContext, demo_stack: DemoStack
) -> None:
    officer = _officer(page, demo_stack, "officer.sandbox")
    screenshot(page, "chat-enrolled")
    officer.start_case()
    before_case = officer.turns
    officer.typical_case_to_proposals()
    case_turns = officer.turns - before_case + 1  # and the turn that started the case
    screenshot(page, "chat-proposals")
    code = officer.send_to_first_proposal()
    queued = CATALOGS.lookup("referral.queued_sandbox", "en").text.split("{")[0]
    assert queued in officer.last_said_text()

    # The shelter's phone, in the sandbox: the SMS is there, and the provider accepts.
    phone = context.new_page()
    phone.goto(f"{demo_stack.api}/dev/phone")
    shelter_phone = phone.locator("section.phone").filter(has_text=SHELTER)
    accept_word = CATALOGS.lookup("sms.word.accept", "ru").text.split("/")[0]  # the shelter's
    expect(shelter_phone.locator(".messages")).to_contain_text(f"1/{accept_word} {code}")
    screenshot(phone, "dev-phone")
    turns_before_answer = officer.turns
    shelter_phone.get_by_role("button", name=en("dev.phone.accept", code=code)).click()
    expect(shelter_phone.locator(".messages")).to_contain_text(code, timeout=15_000)

    # The officer's page shows the acceptance and the hidden address, typed nothing.
    told = _told_on_screen(officer, code)
    assert HIDDEN_ADDRESS in told
    assert officer.turns == turns_before_answer
    assert _status(demo_stack.stack, code) == "accepted"
    screenshot(page, "chat-accepted")
    assert case_turns <= 15, case_turns


@pytest.mark.walkthrough
def test_an_acceptance_in_the_intake_inbox_reaches_the_officers_page(
    page: Page, context: BrowserContext, demo_stack: DemoStack
) -> None:
    officer = _officer(page, demo_stack, "officer.inbox")
    officer.start_case()
    officer.typical_case_to_proposals()
    code = officer.send_to_first_proposal()

    intake = context.new_page()
    intake.goto(f"{demo_stack.api}/intake/login")
    screenshot(intake, "intake-login")
    intake.get_by_label(re.compile("user", re.I)).fill(demo_stack.demo.intake)
    intake.get_by_label(re.compile("password", re.I)).fill(demo_stack.demo.intake_password)
    intake.get_by_role("button").last.click()
    expect(intake.locator("body")).to_contain_text(code)
    screenshot(intake, "intake-inbox")
    intake.get_by_role("link", name=re.compile(code)).first.click()
    screenshot(intake, "intake-referral")
    intake.locator("form[action$='/accept'] button").click()

    told = _told_on_screen(officer, code)
    assert HIDDEN_ADDRESS in told
    assert _status(demo_stack.stack, code) == "accepted"


def _conversation(page: Page, context: BrowserContext, stack: Stack) -> str:
    cookie = next(c["value"] for c in context.cookies() if c["name"] == COOKIE_NAME)
    tab = page.evaluate("sessionStorage.getItem('passage-tab')")
    sender = sender_for(chat_key(stack.settings), cookie, tab)
    assert sender is not None
    return sender


def _forgotten(stack: Stack, sender: str) -> bool:
    with Session(stack.engine) as session:
        unbound = account_for_sender(session, "webchat", sender) is None
    store = TranscriptStore(stack.settings.resolved_tracker_url)
    try:
        in_tracker = store.idle_since(datetime.now(UTC) + timedelta(days=1))
        return unbound and sender not in in_tracker
    finally:
        store.close()


def test_quick_exit_by_button_and_by_escape_leaves_nothing(
    page: Page, context: BrowserContext, demo_stack: DemoStack
) -> None:
    for how in ("button", "Escape"):
        officer = _officer(page, demo_stack, f"officer.exit.{how.lower()}")
        officer.start_case()
        sender = _conversation(page, context, demo_stack.stack)
        assert not _forgotten(demo_stack.stack, sender)

        if how == "button":
            page.get_by_role("button", name=en("web.chat.quick_exit")).click()
        else:
            page.keyboard.press("Escape")
        page.wait_for_url("about:blank")

        assert page.go_back() is None or page.url == "about:blank"
        assert page.url == "about:blank"
        deadline = time.monotonic() + 10
        while not _forgotten(demo_stack.stack, sender) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _forgotten(demo_stack.stack, sender)
        assert COOKIE_NAME not in {c["name"] for c in context.cookies()}
        # Coming back is a new, unenrolled chat with nothing of the old one on it.
        page.goto(f"{demo_stack.api}/")
        expect(page.locator("#log li")).to_have_count(0)


def test_keyboard_only_with_what_a_screen_reader_is_told(page: Page, demo_stack: DemoStack) -> None:
    officer = OfficerPage(page, demo_stack.api)
    officer.open()
    log = page.locator("#log")
    assert log.get_attribute("aria-live") == "polite"
    code = demo_stack.stack.enrolment_code("officer.keyboard", region="almaty")

    page.keyboard.press("Tab")  # the quick exit comes first, always in reach
    expect(page.get_by_role("button", name=en("web.chat.quick_exit"))).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#message")).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    officer.expect_said(en("utter_enrolled"))
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    officer.expect_said(en("utter_greet").split("\n")[0][:30])
    # After typing, the focus stays in the box (what comes next is typed, not taken for a
    # button); Shift+Tab goes up into the newest buttons, from the last one.
    expect(page.locator("#message")).to_be_focused()
    greeting = officer.last_question().get_by_role("button")
    for _ in range(greeting.count()):
        page.keyboard.press("Shift+Tab")
    expect(greeting.first).to_be_focused()  # "Start a new case"
    page.keyboard.press("Enter")
    officer.asked("urgent_medical")
    page.keyboard.press("Tab")  # from "Yes" to "No"
    page.keyboard.press("Space")
    question = officer.asked("present")
    # The multiple choice is one control: Space ticks a box, Tab moves, Enter on Done sends.
    expect(question.get_by_role("checkbox").first).to_be_focused()
    ticked = question.locator("label").first.inner_text().strip()
    page.keyboard.press("Space")
    for _ in range(question.get_by_role("checkbox").count()):
        page.keyboard.press("Tab")
    expect(question.get_by_role("button", name=en("button.done"))).to_be_focused()
    page.keyboard.press("Enter")
    officer.asked("person_language")
    user_said = page.locator("#log li.user").last
    expect(user_said).to_contain_text(ticked)
    assert user_said.locator("bdi").count() == 1  # the officer's words are isolated
    screenshot(page, "chat-keyboard")


def test_a_reload_and_a_lost_connection_lose_nothing(
    page: Page, context: BrowserContext, demo_stack: DemoStack
) -> None:
    officer = _officer(page, demo_stack, "officer.reload")
    reference = officer.start_case()
    officer.tap("urgent_medical", "no")
    officer.asked("present")
    shown_before = page.locator("#log li").count()

    page.reload()
    expect(page.locator("#log li")).to_have_count(shown_before)
    expect(page.locator("#log")).to_contain_text(reference)
    officer.tick("present", "private_space")
    officer.asked("person_language")

    # The API goes away while the officer waits, and comes back: the page says it reconnects
    # and then shows the conversation whole.
    stack = demo_stack.stack
    api = stack.process("API and web chat")
    api.signal_group(signal.SIGTERM)
    api.wait(15)
    expect(page.locator("#status")).to_contain_text(en("web.chat.reconnecting")[:20])
    stack.group.processes.remove(api)
    (restarted,) = build_processes(stack.settings, stack.model, names=("api",))
    stack.group.processes.append(restarted)
    ProcessGroup([restarted]).start_all(timeout=60)
    expect(page.locator("#status")).to_contain_text(en("web.chat.reconnected")[:20], timeout=30_000)
    officer.tap("person_language", "en")  # no interpreter said to be there: a reviewed text
    officer.asked("appears_under_18")


def _untold_notices(stack: Stack, code: str) -> int:
    with Session(stack.engine) as session:
        referral = session.scalars(select(Referral).where(Referral.code == code)).one()
        return len(
            session.scalars(
                select(ReferralEvent).where(
                    ReferralEvent.referral_id == referral.id,
                    ReferralEvent.actor != "officer",
                    ReferralEvent.told_at.is_(None),
                )
            ).all()
        )


def _notice_pushed(stack: Stack, code: str) -> bool:
    with Session(stack.engine) as session:
        referral = session.scalars(select(Referral).where(Referral.code == code)).one()
        return bool(
            session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.kind == "officer_notice",
                    OutboxMessage.recipient == referral.officer_conversation,
                    OutboxMessage.state == "sent",
                )
            ).first()
        )


def test_a_page_away_when_the_provider_answered_shows_it_on_return_and_only_then_is_it_told(
    page: Page, context: BrowserContext, demo_stack: DemoStack
) -> None:
    officer = _officer(page, demo_stack, "officer.away")
    officer.start_case()
    officer.typical_case_to_proposals()
    code = officer.send_to_first_proposal()
    chat_url = page.url
    page.goto("about:blank")  # the officer's tab went elsewhere: nobody sees a push now

    phone = context.new_page()
    phone.goto(f"{demo_stack.api}/dev/phone")
    shelter = phone.locator("section.phone").filter(has_text=SHELTER)
    shelter.get_by_role("button", name=en("dev.phone.accept", code=code)).click()
    deadline = time.monotonic() + 30
    while not _notice_pushed(demo_stack.stack, code) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _notice_pushed(demo_stack.stack, code)  # pushed, to no page at all
    assert _untold_notices(demo_stack.stack, code) == 1

    page.goto(chat_url)  # the same tab comes back

    assert HIDDEN_ADDRESS in _told_on_screen(officer, code)
    deadline = time.monotonic() + 10
    while _untold_notices(demo_stack.stack, code) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _untold_notices(demo_stack.stack, code) == 0
