"""Faults on the scaled profile (2 replicas of each process behind nginx, PostgreSQL, Redis):
nothing an officer gave is lost, and nothing is handled twice. Runs where the end-to-end suite
runs on that profile (PASSAGE_E2E_PROFILE=scaled; `make test` does when PostgreSQL and Redis
answer). The workers killed mid-send are in test_referrals.py, which runs on both profiles."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.officer import ADULT_TO_CONSENT, WebOfficer, walk

CONVERSATIONS = 20
# Turns done in all before the kill: every conversation is under way, none is finished.
TURNS_BEFORE_THE_KILL = 2 * CONVERSATIONS
TYPED_AREA = next(message for message, _ in ADULT_TO_CONSENT if not message.startswith("/"))


@pytest.fixture
def scaled(stack: Stack) -> Stack:
    if stack.settings.replicas < 2:
        pytest.skip("a fault of the scaled profile: run with PASSAGE_E2E_PROFILE=scaled")
    return stack


class _Counted(WebOfficer):
    """An officer whose turns are counted, so the test can kill a replica mid-way."""

    def __init__(self, stack: Stack, turns: "_Turns") -> None:
        super().__init__(stack)
        self.turns = turns

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
            said = [
                event["text"]
                for event in scaled.tracker_events(officer.sender)
                if event["event"] == "user"
            ]
            # The code and the payloads are stored as Rasa read them: count, and find the
            # one answer typed as such.
            assert len(said) == 2 + len(ADULT_TO_CONSENT), officer.sender
            assert said.count(TYPED_AREA) == 1, officer.sender
    finally:
        scaled.start_replica("rasa", 1)
