"""How many turns a complete intake takes, from "start a case" to the summary.

Driven against the real servers. Multiple-choice questions are answered by typing option
numbers (one turn each, as on SMS), by tapping each button and then Done (one turn per tap, as
on Telegram), or with the web chat's one control (tick the boxes, then one Done: one turn, sent
as the page sends it, through the API).
"""

import json
import sys

from benchmarks.bench_stack import running_stack
from benchmarks.chats import RestChat, WebChat, enrolled
from casework.intake_questions import QUESTIONS
from passage.config import Settings
from referral_directory.needs import Level, needs_of_level
from translations.catalog import shipped_catalogs

# urgent medical, who is present (typed: private space), language, age, gender, children, area,
# form of exploitation, how the consent was given and understood.
PROFILE = ["no", "1", "en", "no", "female", "elsewhere", "Almaty", "labour", "shown_on_screen"]
TYPICAL = {  # six needs, two of them urgent
    Level.BASIC_NEEDS: ["basic.housing", "basic.food"],
    Level.ASSISTANCE_AND_SERVICES: ["services.medical", "services.legal_advocacy"],
    Level.RIGHTS: ["rights.information", "rights.compensation_claim"],
}
EVERYTHING = {
    level: [n.id for n in needs_of_level(level) if n.id != "basic.children"] for level in Level
}


CONSENT_DECISIONS = next(q for q in QUESTIONS if q.id == "consent_decisions")


def choose(code: str) -> str:
    return "/choose" + json.dumps({"choice": code})


class Counted:
    """A chat that counts the officer's turns and the bot's messages."""

    def __init__(self, chat: RestChat | WebChat) -> None:
        self.chat, self.turns, self.bot_messages = chat, 0, 0
        self.last: list[str] = []

    def say(self, message: str, **fields: str) -> None:
        replies = self.chat.say(message, **fields)
        self.turns += 1
        self.bot_messages += len(replies)
        self.last = [r.get("text", "") for r in replies]


def run_intake(
    settings: Settings,
    chosen: dict[Level, list[str]],
    *,
    mode: str,
    web_chat: type[WebChat] = WebChat,
) -> Counted:
    web = mode == "web chat controls"
    chat = Counted(enrolled(web_chat(settings) if web else RestChat(settings), settings))
    chat.turns = 0  # the enrolment is not part of the intake
    chat.say("/start_case")
    for answer in PROFILE:
        chat.say(answer if answer in ("Almaty", "1") else choose(answer))

    def many(step: str, codes: list[str], offered: list[str]) -> None:
        if mode == "typed numbers":
            chat.say(" ".join(str(offered.index(c) + 1) for c in codes))
        elif web:  # what the page sends when Done is pressed
            payload = {"choice": "done", "selected": " ".join(codes), "step": step}
            chat.say("/choose" + json.dumps(payload), step=step)
        else:
            for code in codes:
                chat.say(choose(code))
            chat.say(choose("done"))

    # Referrals to every kind of service: one option, whatever the number of kinds offered.
    many("consent_decisions", ["assessment", "referrals"], list(CONSENT_DECISIONS.options))
    many("level_1", chosen[Level.BASIC_NEEDS], [n.id for n in needs_of_level(Level.BASIC_NEEDS)])
    many(
        "level_2",
        chosen[Level.ASSISTANCE_AND_SERVICES],
        [n.id for n in needs_of_level(Level.ASSISTANCE_AND_SERVICES)],
    )
    many("level_3", chosen[Level.RIGHTS], [n.id for n in needs_of_level(Level.RIGHTS)])
    all_chosen = [c for level in Level for c in chosen[level]]
    many("urgency", all_chosen[:2], all_chosen)  # urgency: the first two
    summary = shipped_catalogs().lookup("intake.summary", "en").text.split("{")[0]
    if not any(text.startswith(summary) for text in chat.last):
        raise RuntimeError(f"the intake did not end with the summary: {chat.last}")
    return chat


def main() -> int:
    modes = ("typed numbers", "buttons", "web chat controls")
    with running_stack() as settings:
        rows = [
            (f"{name}, {mode}", run_intake(settings, chosen, mode=mode))
            for name, chosen in (("typical adult, 6 needs", TYPICAL), ("every item", EVERYTHING))
            for mode in modes
        ]
    print("\nTurns from /start_case to the summary (aim: typical case in 15 turns or fewer)")
    print(f"{'scenario':<42} {'officer turns':>14} {'bot messages':>13}")
    for name, chat in rows:
        print(f"{name:<42} {chat.turns:>14} {chat.bot_messages:>13}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
