"""What `passage run --replicas N` checks before it starts anything: every problem named, with
the setting to change."""

import socket
import subprocess
import sys
from pathlib import Path

from passage.config import Settings
from passage.runtime.scaled_profile import scaled_profile_problems


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_embedded_profile_needs_nothing_more(tmp_path: Path) -> None:
    assert scaled_profile_problems(Settings(var_dir=tmp_path, replicas=1)) == []


def test_a_tracker_on_a_server_database_is_the_scaled_profile_even_with_one_replica(
    tmp_path: Path,
) -> None:
    settings = Settings(
        var_dir=tmp_path,
        replicas=1,
        tracker_url="postgresql://passage@127.0.0.1:1/tracker",
        nginx_executable=tmp_path / "no-nginx",
    )

    problems = scaled_profile_problems(settings)

    # No load balancer for one replica; the rest as for several.
    assert [p.split(" ")[0] for p in problems] == [
        "PASSAGE_DATABASE_URL",
        "PASSAGE_TRACKER_URL:",
        "PASSAGE_REDIS_URL",
    ]


def test_sqlite_missing_redis_and_missing_nginx_are_each_named(tmp_path: Path) -> None:
    settings = Settings(
        var_dir=tmp_path,
        replicas=2,
        database_url=f"sqlite:///{tmp_path / 'passage.db'}",
        nginx_executable=tmp_path / "no-nginx",
    )

    problems = scaled_profile_problems(settings)

    assert len(problems) == 4, problems
    assert problems[0].startswith("PASSAGE_DATABASE_URL must name a PostgreSQL database")
    assert problems[1].startswith("PASSAGE_TRACKER_URL is not set")
    assert problems[2].startswith("PASSAGE_REDIS_URL is not set")
    assert "nginx-light" in problems[3]


def test_servers_that_do_not_answer_are_named_without_their_password(tmp_path: Path) -> None:
    port = _closed_port()
    settings = Settings(
        var_dir=tmp_path,
        replicas=2,
        database_url=f"postgresql+psycopg://passage:s3cret-pw@127.0.0.1:{port}/passage",
        tracker_url=f"postgresql://passage:s3cret-pw@127.0.0.1:{port}/tracker",
        redis_url=f"redis://127.0.0.1:{port}/0",
        nginx_executable=Path(sys.executable),
    )

    problems = scaled_profile_problems(settings)

    assert [p.split(":")[0] for p in problems] == [
        "PASSAGE_DATABASE_URL",
        "PASSAGE_TRACKER_URL",
        "PASSAGE_REDIS_URL",
    ]
    assert "does not answer" in problems[0] and "does not answer" in problems[2]
    assert all("s3cret-pw" not in problem for problem in problems)


def test_replica_ports_past_the_last_port_are_refused(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, replicas=8, api_port=65000)

    problems = scaled_profile_problems(settings)

    assert any("PASSAGE_API_PORT + 600" in problem for problem in problems)


def test_passage_run_with_replicas_on_sqlite_stops_before_starting_anything(
    tmp_path: Path,
) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "PASSAGE_VAR_DIR": str(tmp_path / "var"),
        "PASSAGE_REDIS_URL": "",
    }

    run = subprocess.run(
        [sys.executable, "-m", "passage.cli", "run", "--replicas", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 1
    assert "Cannot start the scaled profile (2 of each process):" in run.stderr
    assert "- PASSAGE_DATABASE_URL is not set" in run.stderr
    assert "docs/deployment.md" in run.stderr
    assert not (tmp_path / "var" / "log").exists()
