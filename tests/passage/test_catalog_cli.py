"""`passage translations status|review|compile` as a translation coordinator runs them."""

import shutil
from pathlib import Path

import pytest

from passage.cli.main import main
from passage.config import Settings
from translations.catalog import LOCALE_DIR


@pytest.fixture
def locale(tmp_path: Path) -> Path:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    return copy


def _row(out: str, language: str) -> list[str]:
    return next(line.split() for line in out.splitlines() if line.startswith(f"{language} "))


def test_status_tells_every_shipped_language_with_its_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["translations", "status"]) == 0
    out = capsys.readouterr().out
    languages = [line.split()[0] for line in out.splitlines()[1:-1]]
    assert languages == sorted(
        ["en", "ru", "fr", "km", "th", "vi", "uz", "kk", "ky", "tg", "tk", "lo", "my", "zh"]
    )
    english = _row(out, "en")
    assert english[1] == "officer" and english[3] == english[2] and english[-1] == "source"
    assert _row(out, "my")[1] == "person"


def test_a_review_is_recorded_and_status_shows_it(
    locale: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _status(locale, capsys, "km")
    args = ["translations", "review", "km", "--reviewer", "Sok Dara", "--locale-dir", str(locale)]
    assert main([*args, "--message-id", "consent.script"]) == 0
    assert "Sok Dara approved consent.script of km" in capsys.readouterr().out

    after = _status(locale, capsys, "km")
    assert int(after[3]) == int(before[3]) + 1 and int(after[4]) == int(before[4]) - 1
    assert after[-3:] == ["by", "Sok", "Dara"]
    assert "Sok Dara" in (locale / "km" / "reviews.yml").read_text(encoding="utf-8")


def _status(locale: Path, capsys: pytest.CaptureFixture[str], language: str) -> list[str]:
    assert main(["translations", "status", "--locale-dir", str(locale)]) == 0
    return _row(capsys.readouterr().out, language)


def test_a_review_of_an_unknown_language_says_why_and_changes_nothing(
    locale: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["translations", "review", "xx", "--reviewer", "A", "--locale-dir", str(locale)]
    assert main(args) == 2
    assert "no translated catalog for language 'xx'" in capsys.readouterr().err
    assert not list(locale.glob("*/reviews.yml"))


def test_compile_writes_one_mo_per_catalog(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["translations", "compile"]) == 0
    out_dir = settings.var_dir / "build" / "locale"
    assert f"into {out_dir}" in capsys.readouterr().out
    assert len(list(out_dir.glob("*/LC_MESSAGES/*.mo"))) == len(list(LOCALE_DIR.glob("*/*/*.po")))
