"""Offline machine translation through the real argostranslate code path, on tiny models.

The models (tests/translations/tiny_argos.py) copy their input, turning only a few whole words
into others, so every expected output is exact. The network is closed for these tests.
"""

import json
import os
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ctranslate2
import pytest

from passage.config import Settings
from tests.translations import tiny_argos
from translations import machine
from translations.machine import InvalidModel, MachineTranslation


@pytest.fixture
def packages(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with tiny_argos.offline_packages(monkeypatch, settings) as directory:
        yield directory


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """Where the tests build their .argosmodel files (not the packages directory)."""
    directory = tmp_path / "downloads-not-needed"
    directory.mkdir()
    return directory


def test_a_model_file_is_installed_into_the_apps_data_dir_and_listed(
    packages: Path, settings: Settings, files: Path
) -> None:
    assert machine.installed_pairs(packages) == []

    info = machine.install_model(tiny_argos.build_model(files, "ru", "en", version="1.2"), packages)

    assert (info.source, info.target, info.version, info.replaced_version) == (
        "ru",
        "en",
        "1.2",
        None,
    )
    assert packages == (settings.var_dir / "argos-packages").resolve()
    assert info.path.parent == packages and (info.path / "metadata.json").is_file()
    assert machine.installed_pairs(packages) == [("ru", "en")]


def test_free_text_is_translated_labelled_and_kept_beside_the_original(
    packages: Path, files: Path
) -> None:
    machine.install_model(
        tiny_argos.build_model(files, "ru", "en", words={"привет": "hello"}), packages
    )

    result = machine.translate("привет, мир!", "ru", "en", packages)

    assert result == MachineTranslation(
        original="привет, мир!",
        text="hello, мир!",
        source="ru",
        target="en",
        machine_translated=True,
        needs_interpreter=False,
        via=None,
    )
    assert result.label == "machine translated"


def test_without_a_model_the_original_goes_on_and_an_interpreter_is_needed(
    packages: Path, files: Path
) -> None:
    machine.install_model(tiny_argos.build_model(files, "ru", "en"), packages)

    for source, target in [("km", "en"), ("en", "ru"), ("ru", "km")]:
        result = machine.translate("Текст", source, target, packages)
        assert result.text is None and result.original == "Текст"
        assert result.needs_interpreter and not result.machine_translated
        assert result.label is None


def test_same_language_is_passed_on_as_is_and_not_machine_translated(packages: Path) -> None:
    result = machine.translate("Привет", "RU", "ru", packages)

    assert (result.text, result.machine_translated, result.needs_interpreter) == (
        "Привет",
        False,
        False,
    )


def test_empty_text_is_refused(packages: Path) -> None:
    with pytest.raises(ValueError, match="nothing to translate"):
        machine.translate("  \n", "ru", "en", packages)


def test_pivots_through_english_when_only_the_two_halves_exist(packages: Path, files: Path) -> None:
    machine.install_model(
        tiny_argos.build_model(files, "ru", "en", words={"привет": "hello"}), packages
    )
    machine.install_model(
        tiny_argos.build_model(files, "en", "uz", words={"hello": "salom"}), packages
    )

    result = machine.translate("привет, друг", "ru", "uz", packages)

    # привет → hello (ru → en model) → salom (en → uz model): both models ran, in that order.
    assert (result.text, result.via, result.machine_translated) == ("salom, друг", "en", True)
    assert machine.installed_pairs(packages) == [("en", "uz"), ("ru", "en")]
    assert machine.translate("hello", "en", "uz", packages).via is None
    assert machine.translate("salom", "uz", "ru", packages).needs_interpreter


def test_a_direct_model_is_preferred_over_a_pivot(packages: Path, files: Path) -> None:
    machine.install_model(
        tiny_argos.build_model(files, "ru", "en", words={"привет": "hello"}), packages
    )
    machine.install_model(
        tiny_argos.build_model(files, "en", "kk", words={"hello": "сәлем"}), packages
    )
    machine.install_model(
        tiny_argos.build_model(files, "ru", "kk", words={"привет": "bonjour"}), packages
    )

    result = machine.translate("привет", "ru", "kk", packages)

    assert (result.text, result.via) == ("bonjour", None)


def test_emails_urls_phones_and_codes_come_back_unchanged(packages: Path, files: Path) -> None:
    machine.install_model(tiny_argos.build_model(files, "en", "ru"), packages)
    import argostranslate.translate

    # Unprotected, Argos's decoding turns `_` into a space:
    assert argostranslate.translate.translate("anna_k@mail.example", "en", "ru") == (
        "anna k@mail.example"
    )
    text = (
        "Write to anna_k@mail.example or see https://example.org/help_desk?id=1. "
        "Call +7 (701) 123-45-67 about case KX7P-2M9Q, referral WWWWWW."
    )

    assert machine.translate(text, "en", "ru", packages).text == text


def test_sentences_and_lines_are_split_by_our_splitter_for_every_script(
    packages: Path, files: Path
) -> None:
    machine.install_model(tiny_argos.build_model(files, "km", "en"), packages)
    machine.install_model(tiny_argos.build_model(files, "th", "en"), packages)
    machine.install_model(tiny_argos.build_model(files, "en", "ru"), packages)
    import argostranslate.translate

    khmer = "ខ្ញុំត្រូវការជំនួយ។ សូមជួយខ្ញុំផង។"
    thai = "ฉันต้องการความช่วยเหลือ ขอบคุณครับ"
    lines = "First line. Second sentence?\n\nThird line!"

    assert machine.translate(khmer, "km", "en", packages).text == khmer
    assert machine.translate(thai, "th", "en", packages).text == thai
    assert machine.translate(lines, "en", "ru", packages).text == lines
    splitters = {
        type(installed.cached_translation.underlying.sentencizer).__name__
        for installed in argostranslate.translate.installed_translates
    }
    assert splitters == {"_Sentencizer"}  # never Stanza or MiniSBD, which download models


def test_thirty_two_sentences_are_translated_in_one_call(packages: Path, files: Path) -> None:
    machine.install_model(
        tiny_argos.build_model(files, "en", "uz", words={"hello": "salom"}), packages
    )
    text = " ".join(f"Sentence {i}: hello from the officer." for i in range(32))

    result = machine.translate(text, "en", "uz", packages)

    assert result.text == text.replace("hello", "salom")


def test_installing_a_pair_again_replaces_the_older_model(packages: Path, files: Path) -> None:
    machine.install_model(tiny_argos.build_model(files, "ru", "en", version="1.0"), packages)
    assert machine.translate("привет", "ru", "en", packages).text == "привет"

    info = machine.install_model(
        tiny_argos.build_model(files, "ru", "en", version="1.1", words={"привет": "hello"}),
        packages,
    )

    assert (info.version, info.replaced_version) == ("1.1", "1.0")
    assert [m.version for m in machine.installed_models(packages)] == ["1.1"]
    assert [p.name for p in packages.iterdir()] == ["translate-ru_en-1_1"]
    assert machine.translate("привет", "ru", "en", packages).text == "hello"


def _zip(path: Path, entries: dict[str, Any]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in entries.items():
            data = content if isinstance(content, bytes) else json.dumps(content)
            archive.writestr(name, data)
    return path


_GOOD = tiny_argos.metadata("ru", "en")
_MODEL = {"p/model/model.bin": b"x", "p/sentencepiece.model": b"x"}


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"metadata.json": _GOOD, "model/model.bin": b"x"}, "exactly one top-level folder"),
        (
            {"a/metadata.json": _GOOD, "b/metadata.json": _GOOD},
            "exactly one top-level folder",
        ),
        ({"p/metadata.json": _GOOD, "loose.txt": b"x"}, "exactly one top-level folder"),
        ({"p/model/model.bin": b"x"}, "no p/metadata.json"),
        ({"p/metadata.json": b"{not json", **_MODEL}, "not valid JSON"),
        ({"p/metadata.json": [1, 2]}, "must hold an object"),
        ({"p/metadata.json": {**_GOOD, "to_code": None}}, "needs to_code"),
        ({"p/metadata.json": {**_GOOD, "from_code": "../x"}}, "needs from_code"),
        ({"p/metadata.json": {**_GOOD, "to_code": "ru"}}, "into itself"),
        ({"p/metadata.json": {**_GOOD, "type": "sbd"}}, "not a translation"),
        ({"p/metadata.json": _GOOD, "p/sentencepiece.model": b"x"}, "lacks model/model.bin"),
        ({"../p/metadata.json": _GOOD}, "outside its folder"),
    ],
)
def test_anything_but_a_well_formed_package_is_refused_and_nothing_is_installed(
    packages: Path, files: Path, entries: dict[str, Any], message: str
) -> None:
    bad = _zip(files / "bad.argosmodel", entries)
    machine.install_model(tiny_argos.build_model(files, "en", "ru"), packages)
    before = sorted(packages.iterdir())

    with pytest.raises(InvalidModel, match=message):
        machine.install_model(bad, packages)

    assert sorted(packages.iterdir()) == before
    assert machine.installed_pairs(packages) == [("en", "ru")]  # listing still works


def test_a_missing_file_or_a_non_zip_is_refused(packages: Path, files: Path) -> None:
    with pytest.raises(InvalidModel, match="No file at"):
        machine.install_model(files / "absent.argosmodel", packages)
    text = files / "model.argosmodel"
    text.write_text("not a zip")
    with pytest.raises(InvalidModel, match="not a zip archive"):
        machine.install_model(text, packages)


def test_concurrent_first_translations_load_each_model_once(
    packages: Path, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine.install_model(
        tiny_argos.build_model(files, "ru", "en", words={"привет": "hello"}), packages
    )
    machine.install_model(
        tiny_argos.build_model(files, "en", "uz", words={"hello": "salom"}), packages
    )
    loaded: list[str] = []
    real_translator = ctranslate2.Translator

    def counting_translator(model_path: str, **kwargs: Any) -> Any:
        loaded.append(Path(model_path).parent.name)
        return real_translator(model_path, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", counting_translator)
    results: list[str | None] = []
    start = threading.Barrier(8)

    def work() -> None:
        start.wait()
        results.append(machine.translate("привет", "ru", "uz", packages).text)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == ["salom"] * 8
    assert sorted(loaded) == ["translate-en_uz-1_0", "translate-ru_en-1_0"]


def test_argos_is_configured_for_small_machines_before_it_is_imported(packages: Path) -> None:
    machine.installed_pairs(packages)  # imports argostranslate
    import argostranslate.settings

    for name, value in machine.ENVIRONMENT_DEFAULTS.items():
        assert os.environ[name] == value
    assert argostranslate.settings.intra_threads == 1
    assert argostranslate.settings.batch_size == int(
        machine.ENVIRONMENT_DEFAULTS["ARGOS_BATCH_SIZE"]
    )
    assert argostranslate.settings.package_dirs == [packages]
    # Offline whatever a settings.json says, and Argos's own folders are not in the user's home.
    assert argostranslate.settings.model_provider.name == "OPENNMT"
    assert argostranslate.settings.chunk_type.name == "ARGOSTRANSLATE"
    assert argostranslate.settings.data_dir.parent.parent.name == "argos-translate"
    assert Path.home() not in argostranslate.settings.config_dir.parents


def test_a_model_whose_folder_belongs_to_another_pair_is_refused(
    packages: Path, tmp_path: Path
) -> None:
    installed = machine.install_model(tiny_argos.build_model(tmp_path, "ru", "en"), packages)
    impostor = tmp_path / "impostor.argosmodel"
    with (
        zipfile.ZipFile(tiny_argos.build_model(tmp_path / "x", "en", "fr")) as source,
        zipfile.ZipFile(impostor, "w") as target,
    ):
        for item in source.infolist():  # the en→fr model in the ru→en model's folder name
            name = item.filename.replace("translate-en_fr-1_0", installed.path.name)
            target.writestr(name, source.read(item))

    with pytest.raises(machine.InvalidModel, match="another installed model"):
        machine.install_model(impostor, packages)
    assert machine.installed_pairs(packages) == [("ru", "en")]
