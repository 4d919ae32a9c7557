"""Process supervision with real child processes (small Python programs)."""

import os
import sys
import time
from pathlib import Path

import pytest

from passage.runtime.processes import ManagedProcess, ProcessGroup, StartupFailed
from passage.runtime.stack import AlreadyRunning, exclusive_run

# A parent that starts a grandchild in its own process group, then waits: like Sanic's workers.
_PARENT_WITH_GRANDCHILD = (
    "import subprocess, sys, time, pathlib;"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']);"
    "pathlib.Path(sys.argv[1]).write_text(str(child.pid));"
    "time.sleep(600)"
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has exited all the same.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def _wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_stop_all_ends_children_and_grandchildren(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    process = ManagedProcess(
        name="sleeper",
        command=[sys.executable, "-c", _PARENT_WITH_GRANDCHILD, str(pid_file)],
        env=dict(os.environ),
        log_file=tmp_path / "sleeper.log",
        is_healthy=pid_file.exists,
    )
    group = ProcessGroup([process])
    group.start_all(timeout=30)
    grandchild = int(pid_file.read_text())
    assert process.popen is not None
    assert _alive(process.popen.pid) and _alive(grandchild)

    group.stop_all(grace_seconds=5)

    assert process.exited() is not None
    assert _wait_gone(grandchild)


def test_a_child_that_dies_while_starting_is_reported_with_its_log(tmp_path: Path) -> None:
    process = ManagedProcess(
        name="crasher",
        command=[sys.executable, "-c", "import sys; print('boom: no model'); sys.exit(3)"],
        env=dict(os.environ),
        log_file=tmp_path / "crasher.log",
        is_healthy=lambda: False,
    )
    with pytest.raises(StartupFailed, match=r"(?s)crasher exited with code 3.*boom: no model"):
        ProcessGroup([process]).start_all(timeout=30)


def test_a_child_that_never_gets_healthy_times_out_and_is_stopped(tmp_path: Path) -> None:
    process = ManagedProcess(
        name="mute",
        command=[sys.executable, "-c", "import time; time.sleep(600)"],
        env=dict(os.environ),
        log_file=tmp_path / "mute.log",
        is_healthy=lambda: False,
    )
    with pytest.raises(StartupFailed, match="not healthy after 1 s"):
        ProcessGroup([process]).start_all(timeout=1)
    assert process.exited() is not None


def test_second_run_in_the_same_var_dir_is_refused(tmp_path: Path) -> None:
    refused = pytest.raises(AlreadyRunning, match=f"pid {os.getpid()}")
    with exclusive_run(tmp_path), refused, exclusive_run(tmp_path):
        pass
    with exclusive_run(tmp_path):  # released when the first run ended
        pass


def _touching(name: str, mark: Path, ready: Path, wave: str) -> ManagedProcess:
    """A process that marks itself started, and is healthy only once `ready` exists too."""
    return ManagedProcess(
        name=name,
        command=[
            sys.executable,
            "-c",
            "import pathlib, sys, time; pathlib.Path(sys.argv[1]).touch(); time.sleep(600)",
            str(mark),
        ],
        env=dict(os.environ),
        log_file=mark.with_suffix(".log"),
        is_healthy=lambda: mark.exists() and ready.exists(),
        wave=wave,
    )


def test_replicas_of_one_wave_start_side_by_side_before_any_is_waited_for(
    tmp_path: Path,
) -> None:
    # Each is healthy only once the other has started: one after the other, neither would be.
    first, second = tmp_path / "first", tmp_path / "second"
    group = ProcessGroup(
        [
            _touching("rasa 1", first, second, wave="rasa"),
            _touching("rasa 2", second, first, wave="rasa"),
        ]
    )
    try:
        group.start_all(timeout=20)
    finally:
        group.stop_all(grace_seconds=5)


def test_processes_without_a_wave_still_start_one_after_the_other(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    group = ProcessGroup(
        [_touching("api", first, second, wave=""), _touching("worker", second, first, wave="")]
    )
    with pytest.raises(StartupFailed, match="api was not healthy after 3 s"):
        group.start_all(timeout=3)
    assert not second.exists()
