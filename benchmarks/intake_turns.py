"""How many turns a complete intake takes, from "start a case" to the summary.

Driven over Rasa's REST channel against the real servers. Multiple-choice questions are
answered either by typing option numbers (one turn each, as on SMS) or by tapping each button
and then Done (one turn per tap, as on web chat and Telegram).
"""

import json
import sys
import uuid

import httpx

from benchmarks.bench_stack import enrol, running_stack
from passage.settings import Settings
from referral_directory.needs import Level, needs_of_level
from translations.catalog import shipped_catalogs

# urgent medical, who is present (typed: private space), language, age, gender, children, area,
# form of exploitation, how the consent was given and understood.
PROFILE = ["no", "1", "en", "no", "female", "yes", "Almaty", "labour", "shown_on_screen"]
TYPICAL = {  # six needs, two of them urgent
    Level.BASIC_NEEDS: ["basic.housing", "basic.food"],
    Level.ASSISTANCE_AND_SERVICES: ["services.medical", "services.legal_advocacy"],
    Level.RIGHTS: ["rights.information", "rights.compensation_claim"],
}
EVERYTHING = {
    level: [n.id for n in needs_of_level(level) if n.id != "basic.children"] for level in Level
}


def choose(code: str) -> str:
    return "/choose" + json.dumps({"choice": code})


class Chat:
    def __init__(self, url: str) -> None:
        self.url, self.sender, self.turns, self.bot_messages = (
            url,
            f"bench-{uuid.uuid4().hex[:8]}",
            0,
            0,
        )
        self.last: list[str] = []

    def say(self, message: str) -> None:
        replies = httpx.post(
            self.url, json={"sender": self.sender, "message": message}, timeout=60
        ).json()
        self.turns += 1
        self.bot_messages += len(replies)
        self.last = [r.get("text", "") for r in replies]


def run_intake(
    settings: Settings, url: str, chosen: dict[Level, list[str]], *, typed: bool
) -> Chat:
    chat = Chat(url)
    enrol(settings, url, chat.sender)
    chat.say("/start_case")
    for answer in PROFILE:
        chat.say(answer if answer in ("Almaty", "1") else choose(answer))

    def many(codes: list[str], offered: list[str]) -> None:
        if typed:
            chat.say(" ".join(str(offered.index(c) + 1) for c in codes))
            return
        for code in codes:
            chat.say(choose(code))
        chat.say(choose("done"))

    many(["assessment", "referrals"], ["assessment", "referrals", "law_enforcement"])
    many(chosen[Level.BASIC_NEEDS], [n.id for n in needs_of_level(Level.BASIC_NEEDS)])
    many(
        chosen[Level.ASSISTANCE_AND_SERVICES],
        [n.id for n in needs_of_level(Level.ASSISTANCE_AND_SERVICES)],
    )
    many(chosen[Level.RIGHTS], [n.id for n in needs_of_level(Level.RIGHTS)])
    all_chosen = [c for level in Level for c in chosen[level]]
    many(all_chosen[:2], all_chosen)  # urgency: the first two
    summary = shipped_catalogs().lookup("intake.summary", "en").text.split("{")[0]
    if not any(text.startswith(summary) for text in chat.last):
        raise RuntimeError(f"the intake did not end with the summary: {chat.last}")
    return chat


def main() -> int:
    with running_stack() as settings:
        url = f"{settings.resolved_rasa_url}/webhooks/rest/webhook"
        rows = [
            (
                "typical adult, 6 needs, typed numbers",
                run_intake(settings, url, TYPICAL, typed=True),
            ),
            ("typical adult, 6 needs, buttons", run_intake(settings, url, TYPICAL, typed=False)),
            ("every item needed, typed numbers", run_intake(settings, url, EVERYTHING, typed=True)),
            ("every item needed, buttons", run_intake(settings, url, EVERYTHING, typed=False)),
        ]
    print("\nTurns from /start_case to the summary (aim: typical case in 15 turns or fewer)")
    print(f"{'scenario':<42} {'officer turns':>14} {'bot messages':>13}")
    for name, chat in rows:
        print(f"{name:<42} {chat.turns:>14} {chat.bot_messages:>13}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
