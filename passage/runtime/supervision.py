"""Keeping the processes of `passage run` up: a process that exits is started again with
backoff, while the others carry on; one that keeps exiting stops the run.

The supervisor never blocks on one process: each `step` looks at every process once (has it
exited, is it due to start again, is it healthy yet), so Ctrl-C is seen between two steps even
while Rasa takes a minute to load its model again.
"""

import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from passage.runtime.processes import ManagedProcess, ProcessGroup


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 1.0
    """Seconds before the first restart; each unexpected exit in a row doubles it ..."""
    max_delay: float = 30.0
    """... up to this many seconds."""
    reset_after: float = 60.0
    """A process healthy for this many seconds starts again at first_delay when it exits."""
    max_exits: int = 5
    """This many unexpected exits of one process ..."""
    window: float = 300.0
    """... within this many seconds stop the run."""
    health_timeout: float = 300.0
    """A restarted process not healthy after this many seconds counts as an exit."""

    def delay(self, exits_in_a_row: int) -> float:
        return min(self.first_delay * 2.0 ** min(exits_in_a_row - 1, 32), self.max_delay)


@dataclass(frozen=True)
class Decision:
    """What the supervisor did about one unexpected exit: restart after `delay` seconds, or
    give up (`delay` None)."""

    name: str
    at: float
    reason: str
    delay: float | None


class _State(Enum):
    RUNNING = "running"
    WAITING = "waiting"  # exited; starts again at `due`
    STARTING = "starting"  # started again; healthy by `due` or counted as an exit


@dataclass
class _Watch:
    process: ManagedProcess
    up_since: float
    state: _State = _State.RUNNING
    due: float = 0.0
    in_a_row: int = 0
    exits: deque[float] = field(default_factory=deque)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Supervisor:
    """Restarts the processes of a started ProcessGroup by a RestartPolicy."""

    def __init__(
        self,
        group: ProcessGroup,
        policy: RestartPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        report: Callable[[str], None] = _to_stderr,
    ) -> None:
        self.policy = policy or RestartPolicy()
        self._clock, self._sleep, self._report = clock, sleep, report
        now = clock()
        self._watches = [_Watch(process, up_since=now) for process in group.processes]
        self.decisions: list[Decision] = []

    @property
    def gave_up(self) -> Decision | None:
        last = self.decisions[-1] if self.decisions else None
        return last if last is not None and last.delay is None else None

    def run(self, should_stop: Callable[[], bool], interval: float = 0.5) -> int:
        """Watch until should_stop() (0) or a process exits too often (1); stops nothing."""
        while not should_stop():
            if self.step():
                return 1
            self._sleep(interval)
        return 0

    def step(self) -> bool:
        """Look at every process once; True when one has exited too often."""
        return any(self._look_at(watch) for watch in self._watches)

    def _look_at(self, watch: _Watch) -> bool:
        process, now = watch.process, self._clock()
        if watch.state is _State.WAITING:
            if now >= watch.due:
                process.start()
                watch.state, watch.due = _State.STARTING, now + self.policy.health_timeout
            return False
        code = process.exited()
        if code is not None:
            return self._exited(watch, now, f"stopped unexpectedly (exit {code})")
        if watch.state is _State.STARTING:
            if process.is_healthy():
                watch.state, watch.up_since = _State.RUNNING, self._clock()
                self._report(f"{process.name} is up again")
            elif now >= watch.due:
                process.signal_group(signal.SIGKILL)
                process.wait(5)
                timeout = self.policy.health_timeout
                return self._exited(watch, now, f"was not healthy {timeout:g} s after a restart")
        return False

    def _exited(self, watch: _Watch, now: float, reason: str) -> bool:
        process, policy = watch.process, self.policy
        # What the process left in its group (Sanic's workers) would hold its port.
        process.signal_group(signal.SIGKILL)
        if watch.state is _State.RUNNING and now - watch.up_since >= policy.reset_after:
            watch.in_a_row = 0
        watch.in_a_row += 1
        watch.exits.append(now)
        while watch.exits and watch.exits[0] <= now - policy.window:
            watch.exits.popleft()
        if len(watch.exits) >= policy.max_exits:
            self.decisions.append(Decision(process.name, now, reason, None))
            self._report(
                f"{process.name} {reason}, {len(watch.exits)} times within "
                f"{policy.window:g} s; stopping everything. "
                f"Last lines of {process.log_file}:\n{process.log_tail()}"
            )
            return True
        delay = policy.delay(watch.in_a_row)
        self.decisions.append(Decision(process.name, now, reason, delay))
        watch.state, watch.due = _State.WAITING, now + delay
        self._report(f"{process.name} {reason}; restarting in {delay:g} s")
        return False
