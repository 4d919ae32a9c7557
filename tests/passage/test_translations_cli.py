"""`passage translations ...` as an operator runs them, on tiny offline models."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from passage.cli.main import main
from passage.config import Settings
from tests.translations import tiny_argos


@pytest.fixture
def packages(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with tiny_argos.offline_packages(monkeypatch, settings) as directory:
        yield directory


def test_install_model_prints_the_pair_and_version_then_models_lists_it(
    packages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tiny_argos.build_model(tmp_path, "ru", "en", version="1.9")

    assert main(["translations", "install-model", str(model)]) == 0

    out = capsys.readouterr().out
    assert "ru → en" in out and "version 1.9" in out and str(packages) in out
    assert main(["translations", "models"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["SOURCE", "TARGET", "VERSION", "PATH"]
    assert row.split() == ["ru", "en", "1.9", str(packages / "translate-ru_en-1_9")]


def test_installing_again_says_which_version_was_replaced(
    packages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["translations", "install-model", str(tiny_argos.build_model(tmp_path, "en", "ru"))])
        == 0
    )
    newer = tiny_argos.build_model(tmp_path, "en", "ru", version="2.0")

    assert main(["translations", "install-model", str(newer)]) == 0

    assert "replacing version 1.0" in capsys.readouterr().out


def test_models_names_the_pairs_reached_through_english(
    packages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for source, target in [("ru", "en"), ("en", "uz"), ("en", "ru")]:
        main(
            ["translations", "install-model", str(tiny_argos.build_model(tmp_path, source, target))]
        )
    capsys.readouterr()

    assert main(["translations", "models"]) == 0

    assert capsys.readouterr().out.splitlines()[-1] == "Through English: ru → uz"


def test_models_without_any_says_an_interpreter_is_needed(
    packages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["translations", "models"]) == 0

    out = capsys.readouterr().out
    assert "No machine translation models" in out and "interpreter" in out
    assert "install-model" in out


def test_a_missing_or_invalid_file_is_refused_with_exit_2(
    packages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["translations", "install-model", str(tmp_path / "absent.argosmodel")]) == 2
    assert "No file at" in capsys.readouterr().err

    not_a_model = tmp_path / "notes.argosmodel"
    not_a_model.write_text("hello")
    assert main(["translations", "install-model", str(not_a_model)]) == 2
    err = capsys.readouterr().err
    assert "Cannot install" in err and "not a zip archive" in err

    assert not packages.exists() or list(packages.iterdir()) == []


def test_the_group_needs_a_subcommand_and_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as missing:
        main(["translations"])
    assert missing.value.code == 2

    with pytest.raises(SystemExit) as helped:
        main(["translations", "--help"])
    assert helped.value.code == 0
    out = capsys.readouterr().out
    assert "install-model" in out and "models" in out
