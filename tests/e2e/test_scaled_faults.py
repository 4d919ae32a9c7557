"""Faults on the scaled profile (2 replicas of each process behind nginx, PostgreSQL, Redis):
nothing an officer gave is lost, and nothing is handled twice. Runs where the end-to-end suite
runs on that profile (PASSAGE_E2E_PROFILE=scaled; `make test` does when PostgreSQL and Redis
answer). The workers killed mid-send are in test_referrals.py, which runs on both profiles."""

import os
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.officer import ADULT_TO_CONSENT, WebOfficer, en, walk
from tests.e2e.shymkent import assessed_in_shymkent, send_referral, shymkent_shelters
from tests.waiting import eventually

CONVERSATIONS = 20
# Turns done in all before the kill: every conversation is under way, none is finished.
TURNS_BEFORE_THE_KILL = 2 * CONVERSATIONS
TYPED_AREA = next(message for message, _ in ADULT_TO_CONSENT if not message.startswith("/"))


@pytest.fixture(scope="module")
def shelters(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    shymkent_shelters(stack, tmp_path_factory.mktemp("directory"))


@pytest.fixture
def scaled(stack: Stack) -> Stack:
    if stack.settings.replicas < 2:
        pytest.skip("a fault of the scaled profile: run with PASSAGE_E2E_PROFILE=scaled")
    return stack


class _Counted(WebOfficer):
    """An officer whose turns are counted, so the test can kill a replica mid-way."""

    def __init__(self, stack: Stack, turns: "_Turns") -> None:
        self.turns = turns
        super().__init__(stack)

    def say(self, message: str) -> list[str]:
        replies = super().say(message)
        self.turns.done()
        return replies


class _Turns:
    def __init__(self, wanted: int) -> None:
        self.count = 0
        self.wanted = wanted
        self.reached = threading.Event()
        self._lock = threading.Lock()

    def done(self) -> None:
        with self._lock:
            self.count += 1
            if self.count >= self.wanted:
                self.reached.set()


def test_a_rasa_replica_killed_amid_20_conversations_loses_and_repeats_no_answer(
    scaled: Stack,
) -> None:
    turns = _Turns(TURNS_BEFORE_THE_KILL)
    officers = [_Counted(scaled, turns) for _ in range(CONVERSATIONS)]
    turns.count = 0  # the enrolments do not count

    def interview(officer: _Counted) -> None:
        officer.start()
        # Each answer must be followed by the next question: an answer lost, or handled twice,
        # would leave the interview one question off.
        walk(officer, ADULT_TO_CONSENT)

    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        running = [pool.submit(interview, officer) for officer in officers]
        assert turns.reached.wait(timeout=600), "the conversations did not get under way"
        scaled.kill_replica("Rasa server 1")
        for interview_done in running:
            interview_done.result(timeout=900)
    try:
        for officer in officers:
            said = _user_texts(scaled, officer.sender)
            # The code and the payloads are stored as Rasa read them: count, and find the
            # one answer typed as such.
            assert len(said) == 2 + len(ADULT_TO_CONSENT), officer.sender
            assert said.count(TYPED_AREA) == 1, officer.sender
    finally:
        scaled.start_replica("rasa", 1)


def test_without_redis_a_message_is_refused_clearly_and_handled_once_when_it_is_back(
    scaled: Stack,
) -> None:
    assert scaled.redis is not None
    officer = WebOfficer(scaled)
    officer.start()
    (answer, asked_next), *rest = ADULT_TO_CONSENT
    user_events_before = _user_texts(scaled, officer.sender)

    scaled.redis.stop()
    try:
        refused = officer.chat.post(answer)
        # Rasa's lock store fails closed: no replica handles a message it cannot lock.
        assert refused.status_code == 502, refused.text
        assert refused.json()["detail"] == "the assistant could not answer"
        assert _user_texts(scaled, officer.sender) == user_events_before
    finally:
        scaled.redis.start()

    # The officer sends it again: handled once, and the interview goes on where it was.
    officer.answer(answer, asked_next)
    walk(officer, rest[:2])
    assert len(_user_texts(scaled, officer.sender)) == len(user_events_before) + 3


def _user_texts(stack: Stack, sender: str) -> list[str]:
    return [e["text"] for e in stack.tracker_events(sender) if e["event"] == "user"]


# What the officer may be told while PostgreSQL restarts, besides the next question: each says
# to send again, and nothing of the refused answer is kept.
ASK_AGAIN = (
    en("chat.database_unreachable"),  # an action lost the database mid-turn
    "the database is not reachable; try again in a moment",  # the API's own lookups
    "the assistant could not answer",  # Rasa could not read or save the tracker
)
# The answer was handled, but its next question could not be shown: "help" shows it.
NOT_SHOWN = en("chat.question_not_shown")


def _postgresql_restart_command() -> list[str]:
    versions = sorted(Path("/etc/postgresql").glob("*/main"))
    if not versions or not shutil.which("pg_ctlcluster") or os.geteuid() != 0:
        pytest.skip("restarting PostgreSQL needs Debian's pg_ctlcluster, as root")
    version = versions[-1].parent.name
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"]


def _answer_until_taken(
    officer: WebOfficer, message: str, asked_next: str, told: list[str]
) -> list[int]:
    """Send the answer, and do what each refusal says (send it again, or send "help" to see
    the open question), until the next question comes; the status of each sending of it."""
    question = en(f"ask.{asked_next}")
    deadline = time.monotonic() + 120
    sending = message
    statuses: list[int] = []
    while time.monotonic() < deadline:
        response = officer.chat.post(sending)
        if sending == message:
            statuses.append(response.status_code)
        if response.status_code == 200:
            texts = [reply.get("text") or "" for reply in response.json()]
            if any(text.startswith(question) for text in texts):
                return statuses
            refusals = [text for text in texts if text in (ASK_AGAIN[0], NOT_SHOWN)]
            # One line of what to do, said once; the open question may follow it.
            assert len(refusals) == 1, (sending, texts)
            told.append(refusals[0])
            if refusals[0] == NOT_SHOWN:
                sending = "help"
        else:
            assert response.status_code in (502, 503), response.text
            detail = response.json()["detail"]
            assert detail in ASK_AGAIN, detail
            told.append(detail)
        time.sleep(1)
    raise AssertionError(f"{message} was never taken")


def test_postgresql_restarted_amid_interviews_fails_clearly_and_everything_resumes(
    scaled: Stack, shelters: None
) -> None:
    restart = _postgresql_restart_command()
    officers = [WebOfficer(scaled) for _ in range(4)]
    for officer in officers:
        officer.start()
    told: list[str] = []
    area_sent: dict[str, list[int]] = {}

    def interview(officer: WebOfficer) -> None:
        for message, asked_next in ADULT_TO_CONSENT:
            statuses = _answer_until_taken(officer, message, asked_next, told)
            if message == TYPED_AREA:
                area_sent[officer.sender] = statuses

    with ThreadPoolExecutor(max_workers=len(officers)) as pool:
        running = [pool.submit(interview, officer) for officer in officers]
        time.sleep(3)
        subprocess.run(restart, check=True, timeout=120)
        for done in running:
            done.result(timeout=600)

    # Every answer was taken once: each interview reached its last question (above), and the
    # tracker holds the typed answer once for each time Rasa answered it (the officer sent it
    # again after a refusal), and at most once more for each time it could not answer.
    for officer in officers:
        statuses = area_sent[officer.sender]
        stored = _user_texts(scaled, officer.sender).count(TYPED_AREA)
        assert statuses.count(200) <= stored <= statuses.count(200) + statuses.count(502)
    # The outbox resumes: a referral made now reaches the provider, once.
    officer, housing = assessed_in_shymkent(scaled)
    code = send_referral(scaled, officer, housing, "send")
    eventually(lambda: [m for m in scaled.twilio.messages if code in m.body] or None, "the SMS")
    time.sleep(3)
    assert len([m for m in scaled.twilio.messages if code in m.body]) == 1
