"""Where the processes' tokens come from, and how Rasa gets its HTTP API token without it ever
showing on a command line."""

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from passage.config import Settings
from passage.config.service_tokens import (
    ACTION_SERVER_TOKEN_FILE,
    RASA_API_TOKEN_FILE,
    ServiceTokenError,
    action_server_token,
    rasa_api_token,
)
from passage.runtime.stack import build_processes, rasa_command, rasa_interpreter

LAUNCHER = Path("passage/runtime/rasa_launcher.py").resolve()


@pytest.mark.parametrize(
    ("read", "file_name"),
    [(rasa_api_token, RASA_API_TOKEN_FILE), (action_server_token, ACTION_SERVER_TOKEN_FILE)],
)
def test_an_unset_token_is_made_once_in_a_private_file(
    tmp_path: Path, read: Callable[[Settings], str], file_name: str
) -> None:
    settings = Settings(var_dir=tmp_path / "var")
    first = read(settings)
    path = tmp_path / "var" / file_name
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read(settings) == first  # kept, not made again


def test_the_two_tokens_differ(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    assert rasa_api_token(settings) != action_server_token(settings)


def test_a_configured_token_wins_and_a_short_one_is_refused_unquoted(tmp_path: Path) -> None:
    good = "r" * 40
    assert rasa_api_token(Settings(var_dir=tmp_path, rasa_api_token=good)) == good
    assert not (tmp_path / RASA_API_TOKEN_FILE).exists()
    with pytest.raises(ServiceTokenError) as refused:
        action_server_token(Settings(var_dir=tmp_path, action_server_token="short-secret"))
    assert "short-secret" not in str(refused.value)


def test_the_tokens_are_not_in_the_settings_repr(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, rasa_api_token="a" * 40, action_server_token="b" * 40)
    assert "a" * 40 not in repr(settings) and "b" * 40 not in repr(settings)


def test_rasa_runs_under_its_own_interpreter(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "rasa"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nprint('rasa')\n")
    assert rasa_interpreter(script) == Path(sys.executable)
    assert rasa_interpreter(tmp_path / "elsewhere" / "rasa") == tmp_path / "elsewhere" / "python"


def test_rasa_gets_the_tokens_in_its_environment_never_on_its_command_line(
    tmp_path: Path,
) -> None:
    settings = Settings(var_dir=tmp_path, rasa_api_token="A" * 40, action_server_token="B" * 40)
    (rasa,) = build_processes(settings, tmp_path / "model.tar.gz", names=("rasa",))
    assert not any("A" * 40 in part or "B" * 40 in part for part in rasa.command)
    assert rasa.command[:2] == [str(rasa_interpreter(settings.rasa_executable)), str(LAUNCHER)]
    assert "--enable-api" in rasa.command
    assert rasa.env["PASSAGE_RASA_API_TOKEN"] == "A" * 40
    assert rasa.env["PASSAGE_ACTION_SERVER_TOKEN"] == "B" * 40  # endpoints.yml's action token
    assert rasa_command(settings, "run")[-1] == "run"


def _fake_rasa(tmp_path: Path) -> dict[str, str]:
    """A `rasa` package whose CLI prints what it was given, and whether the variable is left."""
    package = tmp_path / "fake" / "rasa"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(
        "import os, sys\n"
        "def main():\n"
        "    print(repr(sys.argv))\n"
        "    print(repr(os.environ.get('PASSAGE_RASA_API_TOKEN')))\n"
    )
    return {**os.environ, "PYTHONPATH": str(package.parent)}


def test_the_launcher_hands_the_token_to_rasa_in_process(tmp_path: Path) -> None:
    env = _fake_rasa(tmp_path) | {"PASSAGE_RASA_API_TOKEN": "T" * 40}
    done = subprocess.run(
        [sys.executable, str(LAUNCHER), "run", "--enable-api"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    argv, left = done.stdout.splitlines()
    assert argv == repr(["rasa", "run", "--enable-api", "--auth-token", "T" * 40])
    assert left == "None"  # taken out of the environment Rasa and its children see


def test_the_launcher_refuses_to_start_rasa_without_a_token(tmp_path: Path) -> None:
    env = _fake_rasa(tmp_path)
    env.pop("PASSAGE_RASA_API_TOKEN", None)
    done = subprocess.run(
        [sys.executable, str(LAUNCHER), "run"], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "PASSAGE_RASA_API_TOKEN" in done.stderr
    assert done.stdout == ""
