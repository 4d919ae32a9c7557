"""A provider's free-text note shown to an officer who reads another language: translated by
the real argostranslate on a tiny model, labelled, original beside it; or flagged for an
interpreter when no model is installed."""

import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from passage.config import Settings
from tests.translations import tiny_argos
from translations import machine
from translations.catalog import shipped_catalogs
from translations.free_text import free_text_lines

CATALOGS = shipped_catalogs()


@pytest.fixture
def packages(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with tiny_argos.offline_packages(monkeypatch, settings) as directory:
        yield directory


def test_a_note_in_the_providers_language_is_translated_and_labelled(
    packages: Path, tmp_path: Path
) -> None:
    machine.install_model(
        tiny_argos.build_model(tmp_path, "ru", "en", words={"привет": "hello"}), packages
    )

    lines = free_text_lines(
        CATALOGS, "привет, мест нет", written_in="ru", reader_language="en", models_dir=packages
    )

    russian = CATALOGS.lookup("language_name.ru", "en").text
    assert lines == [
        CATALOGS.render(
            "free_text.machine_translated", "en", source=russian, text="hello, мест нет"
        ),
        CATALOGS.render("free_text.original", "en", source=russian, text="привет, мест нет"),
    ]


def test_through_english_when_only_the_halves_exist(packages: Path, tmp_path: Path) -> None:
    machine.install_model(
        tiny_argos.build_model(tmp_path, "ru", "en", words={"привет": "hello"}), packages
    )
    machine.install_model(
        tiny_argos.build_model(tmp_path, "en", "fr", words={"hello": "bonjour"}), packages
    )

    lines = free_text_lines(
        CATALOGS, "привет", written_in="ru", reader_language="fr", models_dir=packages
    )

    assert "bonjour" in lines[0] and "привет" in lines[1]


def test_without_a_model_the_original_is_passed_on_for_an_interpreter(packages: Path) -> None:
    lines = free_text_lines(
        CATALOGS,
        "мест нет до понедельника",
        written_in="ru",
        reader_language="km",
        models_dir=packages,
    )

    russian = CATALOGS.lookup("language_name.ru", "km").text
    assert lines == [
        CATALOGS.render(
            "free_text.no_translation", "km", source=russian, text="мест нет до понедельника"
        )
    ]


def test_a_note_already_in_the_readers_language_is_left_alone(packages: Path) -> None:
    note = "full until Monday, sorry"
    assert free_text_lines(
        CATALOGS, note, written_in="ru", reader_language="en", models_dir=packages
    ) == [note]
    assert free_text_lines(
        CATALOGS, note, written_in="en", reader_language="en", models_dir=packages
    ) == [note]


def test_the_note_and_its_translation_never_reach_the_logs(
    packages: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    machine.install_model(
        tiny_argos.build_model(tmp_path, "ru", "en", words={"привет": "hello"}), packages
    )
    caplog.set_level(logging.DEBUG)

    lines = free_text_lines(
        CATALOGS, "привет Айгуль", written_in="ru", reader_language="en", models_dir=packages
    )

    assert "hello Айгуль" in lines[0]  # it was translated ...
    assert "Айгуль" not in caplog.text and "привет" not in caplog.text  # ... and not logged


def test_a_broken_model_passes_the_note_on_for_an_interpreter(
    packages: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    info = machine.install_model(tiny_argos.build_model(tmp_path, "ru", "en"), packages)
    (info.path / "model" / "model.bin").write_bytes(b"not a model")  # damaged on disk
    caplog.set_level(logging.INFO)

    lines = free_text_lines(
        CATALOGS, "мест нет", written_in="ru", reader_language="en", models_dir=packages
    )

    russian = CATALOGS.lookup("language_name.ru", "en").text
    assert lines == [
        CATALOGS.render("free_text.no_translation", "en", source=russian, text="мест нет")
    ]
    assert "failed" in caplog.text and "мест" not in caplog.text


def test_a_model_installed_by_another_process_is_used_without_a_restart(
    packages: Path, tmp_path: Path
) -> None:
    machine.install_model(
        tiny_argos.build_model(tmp_path, "ru", "en", words={"привет": "hello"}), packages
    )
    assert free_text_lines(
        CATALOGS, "привет", written_in="ru", reader_language="fr", models_dir=packages
    ) == [
        CATALOGS.render(
            "free_text.no_translation",
            "fr",
            source=CATALOGS.lookup("language_name.ru", "fr").text,
            text="привет",
        )
    ]
    # `passage translations install-model` run in another process: only the files change here.
    archive = tiny_argos.build_model(tmp_path, "en", "fr", words={"hello": "bonjour"})
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(packages)

    lines = free_text_lines(
        CATALOGS, "привет", written_in="ru", reader_language="fr", models_dir=packages
    )

    assert "bonjour" in lines[0]
