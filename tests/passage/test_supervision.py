"""Restarting with backoff, with real child processes (small Python programs)."""

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from passage.runtime.processes import ManagedProcess, ProcessGroup, http_ok
from passage.runtime.supervision import RestartPolicy, Supervisor
from tests.ports import free_port

_SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]
# Up for a moment (healthy at once), then gone with a line in its log: every time.
_CRASHER = [sys.executable, "-c", "import sys, time; time.sleep(0.3); print('boom'); sys.exit(3)"]


class FakeClock:
    """Time that moves only when told to; its sleep also lets real time pass a little, so
    that the real child processes get on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        time.sleep(0.02)


def _process(tmp_path: Path, name: str, command: list[str]) -> ManagedProcess:
    return ManagedProcess(
        name=name,
        command=command,
        env=dict(os.environ),
        log_file=tmp_path / f"{name}.log",
        is_healthy=lambda: True,
    )


def _http_server(tmp_path: Path, name: str) -> ManagedProcess:
    port = free_port()
    return ManagedProcess(
        name=name,
        command=[sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
        env=dict(os.environ),
        log_file=tmp_path / f"{name}.log",
        is_healthy=http_ok(f"http://127.0.0.1:{port}/"),
    )


def _pid(process: ManagedProcess) -> int:
    assert process.popen is not None
    return process.popen.pid


def _step_until(supervisor: Supervisor, done: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "gave up waiting"
        assert not supervisor.step()
        time.sleep(0.05)


def test_a_killed_process_is_restarted_and_the_others_carry_on(tmp_path: Path) -> None:
    web, other = _http_server(tmp_path, "web"), _http_server(tmp_path, "other")
    group = ProcessGroup([web, other])
    group.start_all(timeout=30)
    lines: list[str] = []
    supervisor = Supervisor(group, report=lines.append)
    try:
        killed, other_pid = _pid(web), _pid(other)
        os.kill(killed, signal.SIGKILL)

        _step_until(supervisor, lambda: _pid(web) != killed and web.is_healthy())
        _step_until(supervisor, lambda: "web is up again" in lines)

        assert _pid(other) == other_pid and other.exited() is None
        assert lines[0] == "web stopped unexpectedly (exit -9); restarting in 1 s"
        assert [(d.name, d.delay) for d in supervisor.decisions] == [("web", 1.0)]
    finally:
        group.stop_all(grace_seconds=5)


def test_one_that_keeps_exiting_makes_the_supervisor_give_up(tmp_path: Path) -> None:
    crasher, sleeper = (
        _process(tmp_path, "crasher", _CRASHER),
        _process(tmp_path, "sleeper", _SLEEPER),
    )
    group = ProcessGroup([sleeper, crasher])
    group.start_all(timeout=30)
    clock, lines = FakeClock(), list[str]()
    # Long reset and window: the fake clock runs fast, these must not depend on it.
    policy = RestartPolicy(reset_after=3600, window=3600)
    supervisor = Supervisor(group, policy, clock=clock, sleep=clock.sleep, report=lines.append)
    try:
        sleeper_pid = _pid(sleeper)

        assert supervisor.run(should_stop=lambda: False) == 1

        assert [d.delay for d in supervisor.decisions] == [1, 2, 4, 8, None]
        assert {d.reason for d in supervisor.decisions} == {"stopped unexpectedly (exit 3)"}
        gave_up = supervisor.gave_up
        assert gave_up is not None and gave_up.name == "crasher"
        assert lines[-1].startswith("crasher stopped unexpectedly (exit 3), 5 times within")
        assert lines[-1].endswith("boom")
        assert _pid(sleeper) == sleeper_pid and sleeper.exited() is None
    finally:
        group.stop_all(grace_seconds=5)


class Watched:
    """One sleeper under a supervisor on a fake clock; the test kills it and moves the clock."""

    def __init__(self, tmp_path: Path, policy: RestartPolicy) -> None:
        self.sleeper = _process(tmp_path, "sleeper", _SLEEPER)
        self.group = ProcessGroup([self.sleeper])
        self.group.start_all(timeout=30)
        self.clock, self.lines = FakeClock(), list[str]()
        self.supervisor = Supervisor(
            self.group, policy, clock=self.clock, sleep=self.clock.sleep, report=self.lines.append
        )

    def delays(self) -> list[float | None]:
        return [d.delay for d in self.supervisor.decisions]

    def kill(self) -> None:
        seen = len(self.supervisor.decisions)
        os.kill(_pid(self.sleeper), signal.SIGKILL)
        _step_until(self.supervisor, lambda: len(self.supervisor.decisions) > seen)

    def restart(self) -> None:
        decision = self.supervisor.decisions[-1]
        assert decision.delay is not None
        self.clock.now = decision.at + decision.delay - 0.01
        assert not self.supervisor.step()
        assert self.sleeper.exited() is not None  # not before its delay is over
        self.clock.now += 0.01
        ups = self.lines.count("sleeper is up again")
        _step_until(self.supervisor, lambda: self.lines.count("sleeper is up again") > ups)


def test_backoff_doubles_up_to_the_cap_and_resets_after_a_good_while(tmp_path: Path) -> None:
    watched = Watched(tmp_path, RestartPolicy(max_delay=5, max_exits=100))
    try:
        for _ in range(4):
            watched.kill()
            watched.restart()
        watched.clock.now += 59  # up for less than a minute: the delay stays at the cap
        watched.kill()
        watched.restart()
        watched.clock.now += 60  # up for a minute: back to the first delay
        watched.kill()

        assert watched.delays() == [1, 2, 4, 5, 5, 1]
        assert watched.supervisor.gave_up is None
    finally:
        watched.group.stop_all(grace_seconds=5)


def test_only_exits_within_the_window_count_towards_giving_up(tmp_path: Path) -> None:
    watched = Watched(tmp_path, RestartPolicy(max_exits=2, window=300, reset_after=3600))
    try:
        watched.kill()
        watched.restart()
        watched.clock.now += 300  # the first exit is out of the window now
        watched.kill()
        watched.restart()
        os.kill(_pid(watched.sleeper), signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not watched.supervisor.step():
            assert time.monotonic() < deadline, "did not give up"
            time.sleep(0.05)

        assert watched.delays() == [1, 2, None]
        assert watched.lines[-1].startswith("sleeper stopped unexpectedly (exit -9), 2 times")
    finally:
        watched.group.stop_all(grace_seconds=5)
