"""The servers for a benchmark: the processes `make run` starts, on free ports in a temp dir."""

import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from passage.migrate import upgrade
from passage.processes import ProcessGroup
from passage.rasa_project import RasaProject
from passage.settings import Settings
from passage.stack import build_processes


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_stack() -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="passage-bench-") as tmp:
        settings = Settings(
            var_dir=Path(tmp) / "var",
            actions_port=_free_port(),
            rasa_port=_free_port(),
            api_port=_free_port(),
            rasa_executable=Path(".venv-rasa/bin/rasa").resolve(),
            log_level="WARNING",
        )
        upgrade(settings.resolved_database_url)
        model = RasaProject(settings).ensure_model()
        group = ProcessGroup(build_processes(settings, model, names=("actions", "rasa", "api")))
        print("starting the action server, Rasa and the API ...", file=sys.stderr, flush=True)
        group.start_all(timeout=300)
        try:
            yield settings
        finally:
            group.stop_all()
