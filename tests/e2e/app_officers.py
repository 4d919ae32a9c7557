"""Officers on their messaging apps, as the e2e tests and the benchmarks drive them: a Telegram
chat that taps and ticks through the fake Telegram server, and a phone that types numbers through
the fake Twilio. What they read is what the fakes were sent."""

import re
from pathlib import Path

from passage.runtime.sandbox.fake_twilio import FakeMessage
from tests.chat_texts import SEVERAL_ANSWERS, TYPICAL_CASE, en, title
from tests.e2e.stack import Stack
from tests.fakes.fake_telegram import BotMessage
from tests.referral_directory.hsds_builders import ALMATY, box, service, write

AREA = "Karaganda, Maikuduk district"
PROVIDER_NAME = "karaganda-ngo (test)"
PROVIDER = "+15005554001"
HIDDEN = {"address_1": "3 Steppe Lane", "city": "Karaganda", "country": "KZ"}


def karaganda_shelter(stack: Stack, folder: Path) -> None:
    """One shelter in Karaganda, with a hidden address, answering by SMS in Russian: where
    these officers' typical case is referred."""
    centre = (ALMATY[0] + 6.0, ALMATY[1] - 3.0)
    record = service(
        "karaganda",
        at=centre,
        languages=("ru",),
        areas=[box("Karaganda", centre)],
        organization="karaganda-ngo",
        endpoint_address=PROVIDER,
        confidential_address=HIDDEN,
    )
    stack.import_directory(write(folder / "karaganda.json", [record]))


class TelegramOfficer:
    def __init__(self, stack: Stack, chat_id: int) -> None:
        assert stack.telegram is not None
        self.stack, self.telegram, self.chat_id = stack, stack.telegram, chat_id
        self.turns = 0

    def type(self, text: str) -> None:
        assert self.telegram.send_text(self.chat_id, text).status_code == 200
        self.turns += 1

    def question(self) -> BotMessage:
        with_buttons = [m for m in self.telegram.messages_to(self.chat_id) if m.buttons]
        assert with_buttons, [m.text for m in self.telegram.messages_to(self.chat_id)]
        return with_buttons[-1]

    def asked(self, question_id: str) -> BotMessage:
        question = self.question()
        assert question.text.startswith(en(f"ask.{question_id}")[:40]), question.text
        return question

    def tap(self, question_id: str, code: str) -> None:
        assert self.telegram.tap(self.asked(question_id), title(code)).status_code == 200
        self.turns += 1

    def tick(self, question_id: str, *codes: str) -> None:
        """Ticks edit the keyboard in place; Done is the one turn."""
        question = self.asked(question_id)
        before = len(self.telegram.messages_to(self.chat_id))
        for code in codes:
            assert self.telegram.tap(question, title(code)).status_code == 200
        assert len(self.telegram.messages_to(self.chat_id)) == before  # no new message
        assert sorted(b["text"] for b in question.buttons if b["text"].startswith("✓ ")) == sorted(
            f"✓ {title(code)}" for code in codes
        )
        assert self.telegram.tap(question, en("button.done")).status_code == 200
        self.turns += 1

    def said(self, text: str) -> BotMessage:
        return self.telegram.wait_for(self.chat_id, text)

    def case_to_referral(self) -> tuple[str, int]:
        """A typical case, from the enrolment code to a referral queued; (code, case turns)."""
        self.type(self.stack.enrolment_code(f"officer.telegram.{self.chat_id}"))
        self.said(en("utter_enrolled"))
        self.type("/start")
        assert self.telegram.tap(self.question(), en("button.start_case")).status_code == 200
        started = self.turns
        for question, codes in TYPICAL_CASE:
            if codes is None:
                self.type(AREA)
            elif question in SEVERAL_ANSWERS:
                self.tick(question, *codes)
            else:
                self.tap(question, *codes)
        case_turns = self.turns - started + 1
        proposals = self.question()  # housing: its providers, a button each
        assert proposals.text.startswith(en("need.basic.housing"))
        assert self.telegram.tap(proposals, PROVIDER_NAME).status_code == 200
        assert self.telegram.tap(self.question(), en("referral.button.send")).status_code == 200
        queued = self.said("is queued")
        found = re.search(r"Referral ([A-Z2-9]{6})", queued.text)
        assert found, queued.text
        return found.group(1), case_turns


class PhoneOfficer:
    """An officer's phone: types text, reads what the fake Twilio was asked to send to it."""

    def __init__(self, stack: Stack, address: str) -> None:
        assert stack.twilio is not None
        self.stack, self.twilio, self.address = stack, stack.twilio, address
        self.turns = 0

    def received(self) -> list[FakeMessage]:
        return [m for m in self.twilio.messages if m.to == self.address]

    def say(self, text: str) -> list[str]:
        before = len(self.received())
        url = f"{self.stack.api}/webhooks/twilio/sms"
        response = self.twilio.post_inbound(url, self.address, text)
        assert response.status_code == 200, response.text
        self.turns += 1
        return [m.body for m in self.received()[before:]]

    def number(self, code: str) -> str:
        """The number of an option in the last message that listed options."""
        for body in reversed([m.body for m in self.received()]):
            for line in body.splitlines():
                found = re.match(r"^(\d+)\. (.*)$", line)
                if found and found.group(2).removeprefix("✓ ") == title(code):
                    return found.group(1)
        raise AssertionError(f"no option {title(code)!r} in the last messages")

    def choose(self, *codes: str) -> list[str]:
        return self.say(" ".join(self.number(code) for code in codes))

    def case_to_referral(self) -> tuple[str, int]:
        """A typical case by numbers, from the enrolment code to a referral queued; (code, case
        turns)."""
        self.say(self.stack.enrolment_code(f"officer.phone.{self.address[-4:]}"))
        opened = self.say("open a case")
        assert any(en("ask.urgent_medical")[:30] in body for body in opened), opened
        started = self.turns
        for _question, codes in TYPICAL_CASE:
            # nothing to tick: the number of Done
            replies = self.say(AREA) if codes is None else self.choose(*(codes or ["done"]))
        proposals = replies
        case_turns = self.turns - started + 1
        assert any(PROVIDER_NAME in body for body in proposals), proposals
        self.say("1")  # the first proposal
        queued = " ".join(self.say("1"))  # "Send referral"
        found = re.search(r"Referral ([A-Z2-9]{6})", queued)
        assert found, queued
        return found.group(1), case_turns
