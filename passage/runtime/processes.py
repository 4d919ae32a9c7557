"""Starting, watching and stopping the four Passage processes (restarting them:
passage/runtime/supervision.py).

Each child runs in its own session (process group) so that Ctrl-C reaches only the supervisor,
which then stops every group in order; on Linux each child also dies if the supervisor is killed.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import httpx

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class StartupFailed(RuntimeError):
    pass


@dataclass
class ManagedProcess:
    name: str
    command: Sequence[str]
    env: dict[str, str]
    log_file: Path
    is_healthy: Callable[[], bool]
    url: str = ""
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log: IO[bytes] | None = field(default=None, repr=False)
    # When it was last started: a health check that reads what the process wrote (the worker's
    # heartbeat) must not take what an earlier run of it wrote for a sign of life.
    started_at: datetime | None = None
    # Processes next to each other in a group with the same non-empty wave (the replicas of one
    # kind) start together, and the group waits for all of them before the next.
    wave: str = ""

    def start(self) -> None:
        """Start the command; again after it exited, appending to the same log."""
        self.close()
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_file.open("ab")
        self.started_at = datetime.now(UTC)
        self.popen = subprocess.Popen(  # noqa: S603  (our own commands, no shell)
            list(self.command),
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def exited(self) -> int | None:
        return None if self.popen is None else self.popen.poll()

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def signal_group(self, signum: int) -> None:
        """Signal the whole group, which may outlive its leader (Sanic's worker processes)."""
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signum)

    def wait(self, timeout: float) -> bool:
        if self.popen is None:
            return True
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


class ProcessGroup:
    """Processes started in order, each healthy before the next starts, stopped in reverse."""

    def __init__(self, processes: list[ManagedProcess]) -> None:
        self.processes = processes

    def start_all(self, timeout: float, progress: Callable[[str], None] = lambda _: None) -> None:
        try:
            for wave in self._waves():
                for process in wave:
                    progress(f"starting {process.name} ...")
                    process.start()
                for process in wave:
                    self._wait_healthy(process, timeout)
                    progress(f"{process.name} is up{f' at {process.url}' if process.url else ''}")
        except BaseException:
            self.stop_all()
            raise

    def _waves(self) -> list[list[ManagedProcess]]:
        waves: list[list[ManagedProcess]] = []
        for process in self.processes:
            if waves and process.wave and waves[-1][-1].wave == process.wave:
                waves[-1].append(process)
            else:
                waves.append([process])
        return waves

    def _wait_healthy(self, process: ManagedProcess, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = process.exited()
            if code is not None:
                raise StartupFailed(
                    f"{process.name} exited with code {code} while starting; "
                    f"last lines of {process.log_file}:\n{process.log_tail()}"
                )
            if process.is_healthy():
                return
            time.sleep(0.5)
        raise StartupFailed(
            f"{process.name} was not healthy after {timeout:.0f} s; see {process.log_file}"
        )

    def stop_all(self, grace_seconds: float = 15.0) -> None:
        for process in reversed(self.processes):
            process.signal_group(signal.SIGTERM)
        for process in reversed(self.processes):
            if not process.wait(grace_seconds):
                process.signal_group(signal.SIGKILL)
                process.wait(5)
            # Sanic and multiprocessing children may outlive their parent: sweep the group.
            process.signal_group(signal.SIGKILL)
            process.close()


def http_ok(
    url: str, check: Callable[[httpx.Response], bool] = lambda r: r.is_success
) -> Callable[[], bool]:
    def probe() -> bool:
        try:
            return check(httpx.get(url, timeout=2.0))
        except httpx.HTTPError:
            return False

    return probe
