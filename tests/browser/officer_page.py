"""The web chat as an officer uses it in Chromium: typing, tapping buttons, ticking boxes."""

import re

from playwright.sync_api import Locator, Page, expect

from tests.chat_texts import SEVERAL_ANSWERS, TYPICAL_CASE, en, title

REFERENCE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")
REFERRAL_CODE = re.compile(r"Referral ([A-Z2-9]{6})\b")


class OfficerPage:
    def __init__(self, page: Page, api: str) -> None:
        self.page = page
        self.api = api
        self.turns = 0  # messages the officer sent
        page.on(
            "request",
            lambda request: self._count(request.url, request.method),
        )

    def _count(self, url: str, method: str) -> None:
        if method == "POST" and url.endswith("/chat/messages"):
            self.turns += 1

    def open(self) -> None:
        self.page.goto(f"{self.api}/")
        # The socket is up once the (empty) history was asked for and the status is clear.
        expect(self.page.locator("#log")).to_have_attribute("aria-live", "polite")

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator("#log li.bot")

    def last_question(self) -> Locator:
        return self.page.locator("#log li.bot:has(button)").last

    def type(self, text: str) -> None:
        self.page.locator("#message").fill(text)
        self.page.locator("#message").press("Enter")

    def expect_said(self, text: str) -> Locator:
        said = self.bot_messages.filter(has_text=text).last
        expect(said).to_be_visible()
        return said

    def last_said_text(self) -> str:
        return self.bot_messages.last.inner_text()

    def asked(self, question_id: str) -> Locator:
        text = en(f"ask.{question_id}").split("\n")[0][:60]
        question = self.last_question()
        expect(question).to_contain_text(text)
        return question

    def tap(self, question_id: str, code: str) -> None:
        self.asked(question_id).get_by_role("button", name=title(code), exact=True).click()

    def tick(self, question_id: str, *codes: str) -> None:
        """One turn: tick the boxes of a multiple choice, then its one Done."""
        question = self.asked(question_id)
        for code in codes:
            question.get_by_label(title(code), exact=True).check()
        question.get_by_role("button", name=en("button.done"), exact=True).click()

    def enrol(self, code: str) -> None:
        self.type(code)
        self.expect_said(en("utter_enrolled"))

    def start_case(self) -> str:
        self.type("hello")
        self.last_question().get_by_role("button", name=en("button.start_case")).click()
        opened = self.expect_said(en("utter_case_opened", case_reference="").split("{")[0][:20])
        found = REFERENCE.search(opened.inner_text())
        assert found, opened.inner_text()
        return found.group(0)

    def typical_case_to_proposals(self) -> None:
        """A woman in Almaty who needs a shelter, urgently: the README's walkthrough."""
        for question, codes in TYPICAL_CASE:
            if codes is None:
                self.asked(question)
                self.type("Almaty")
            elif question in SEVERAL_ANSWERS:
                self.tick(question, *codes)
            else:
                self.tap(question, *codes)
        self.expect_said(en("match.intro"))

    def send_to_first_proposal(self, need: str = "basic.housing") -> str:
        proposals = self.bot_messages.filter(has_text=en(f"need.{need}")).filter(
            has=self.page.get_by_role("button")
        )
        proposals.last.get_by_role("button").first.click()
        self.last_question().get_by_role(
            "button", name=en("referral.button.send"), exact=True
        ).click()
        queued = self.expect_said("is queued")
        found = REFERRAL_CODE.search(queued.inner_text())
        assert found, queued.inner_text()
        return found.group(1)
