import subprocess
import sys

import pytest

from passage.cli.main import build_parser, main


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "serve", "db", "rasa"):
        assert command in out


@pytest.mark.parametrize(
    "argv", [["serve", "rasa"], ["serve", "api", "--port", "70000"], ["serve"], []]
)
def test_bad_arguments_exit_2_with_a_message(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "passage" in capsys.readouterr().err


def test_serve_choices() -> None:
    args = build_parser().parse_args(["serve", "worker"])
    assert args.what == "worker"


def test_db_upgrade_creates_the_schema(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "var" / "passage.db").exists()


def test_installed_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "passage.cli", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--port" in result.stdout
