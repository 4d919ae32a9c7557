"""How many officer turns the quick triage of one person of a rescue operation takes, from
"next person" to the triage summary, against the real servers.

The officer has typed the operation's code once; each person then starts with "next person"
(a button, or the code and 1 typed on SMS). Questions with several answers are answered by
typing option numbers, by tapping each button and then Done, or with the web chat's one
control, as in benchmarks/intake_turns.py.
"""

import argparse
import json
import os
import sys
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.bench_stack import enrolment_code, running_stack
from benchmarks.chats import RestChat, WebChat
from casework.account_models import StaffAccount
from casework.operations import checked_details, plan_operation
from passage.config import Settings, get_settings, make_engine
from passage.core.field_crypto.keyring import new_key_line
from translations.catalog import shipped_catalogs

MODES = ("typed numbers", "buttons", "web chat controls")


def choose(code: str) -> str:
    return "/choose" + json.dumps({"choice": code})


def _plan(settings: Settings, username: str) -> str:
    now = datetime.now(UTC)
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as session:
        planner = session.scalars(
            select(StaffAccount).where(StaffAccount.username == username)
        ).one()
        details = checked_details(
            adults={"female": 6, "male": 3},
            minors={"female": 2, "male": 1},
            languages=["km", "vi"],
            needs=["basic.housing", "child.protection"],
            window_start=now,
            window_end=now + timedelta(hours=6),
            safe_site_region="bench",
        )
        code = plan_operation(session, planner, details, now=now).code
        session.commit()
    engine.dispose()
    return code


def triage_turns(settings: Settings, *, mode: str, minor: bool) -> int:
    """Turns of one person's triage; fails loudly if the summary did not reach the screen."""
    chat = WebChat(settings) if mode == "web chat controls" else RestChat(settings)
    username = f"bench.{uuid.uuid4().hex[:10]}"
    chat.say(enrolment_code(settings, username))
    code = _plan(settings, username)
    chat.say(code)  # once per operation, not per person
    turns = 0
    last: list[dict[str, object]] = []

    def say(message: str, **fields: str) -> None:
        nonlocal turns, last
        turns += 1
        last = chat.say(message, **fields)

    if mode == "typed numbers":
        say(f"{code} 1")
    else:
        say("/operation" + json.dumps({"operation_code": code, "operation_step": "new_person"}))
    say(choose("no"))  # no urgent medical care
    present = ["private_space", "interpreter_here"]
    if mode == "typed numbers":
        say("1 2")
    elif mode == "web chat controls":
        payload = {"choice": "done", "selected": " ".join(present), "step": "present"}
        say("/choose" + json.dumps(payload), step="present")
    else:
        for option in present:
            say(choose(option))
        say(choose("done"))
    say(choose("km"))
    say(choose("yes" if minor else "no"))
    if minor:
        say(choose("no"))  # the guardian is not thought to be involved
    summary = shipped_catalogs().lookup("operation.triaged", "en").text.split("{")[0]
    if not any(str(reply.get("text", "")).startswith(summary) for reply in last):
        raise RuntimeError(f"the triage did not end with its summary: {last}")
    return turns


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Officer turns to triage one person of a rescue operation (real servers)."
    )
    parser.parse_args()
    # The plan is written here and read by the action server: one data key for both.
    os.environ["PASSAGE_DATA_KEYS"] = new_key_line()
    get_settings.cache_clear()
    with running_stack() as settings:
        rows = []
        for mode in MODES:
            for minor in (False, True):
                who = "presumed minor" if minor else "adult"
                print(f"triage of one {who} by {mode} ...", file=sys.stderr, flush=True)
                rows.append((f"{who}, {mode}", triage_turns(settings, mode=mode, minor=minor)))
    print("\nOfficer turns to triage one person of a group, from 'next person' to the summary")
    print(f"{'person, answers given by':<40} {'officer turns':>14}")
    for name, turns in rows:
        print(f"{name:<40} {turns:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
