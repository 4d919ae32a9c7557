from pathlib import Path

import pytest

from translations.catalog import (
    PERSON_DOMAIN,
    SOURCE_LANGUAGE,
    Catalogs,
    UnknownMessage,
    load_catalogs,
    placeholders,
    shipped_catalogs,
)

SHIPPED = shipped_catalogs()
OTHER_LANGUAGES = [lang for lang in SHIPPED.person_languages if lang != SOURCE_LANGUAGE]
# The languages the brief promises (issue 6).
OFFICER_LANGUAGES = {"en", "ru", "fr", "km", "th", "vi"}
PERSON_ONLY_LANGUAGES = {"uz", "kk", "ky", "tg", "tk", "lo", "my", "zh"}


def test_the_promised_officer_languages_are_shipped() -> None:
    assert set(SHIPPED.languages) == OFFICER_LANGUAGES


def test_the_promised_person_languages_are_shipped() -> None:
    assert set(SHIPPED.person_languages) == OFFICER_LANGUAGES | PERSON_ONLY_LANGUAGES


@pytest.mark.parametrize("language", sorted(OFFICER_LANGUAGES))
def test_an_officer_language_ships_every_domain(language: str) -> None:
    assert SHIPPED.domains(language) == SHIPPED.domains(SOURCE_LANGUAGE)


@pytest.mark.parametrize("language", sorted(PERSON_ONLY_LANGUAGES))
def test_a_person_language_ships_the_person_domain_only(language: str) -> None:
    assert SHIPPED.domains(language) == {PERSON_DOMAIN}


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    assert SHIPPED.message_ids(language) == SHIPPED.expected_ids(language)


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_placeholders_match_the_source(language: str) -> None:
    for message_id in SHIPPED.expected_ids(language):
        source = SHIPPED.lookup(message_id, SOURCE_LANGUAGE).text
        translated = SHIPPED.lookup(message_id, language).text
        assert placeholders(translated) == placeholders(source), message_id


def test_unreviewed_russian_is_reported_as_unreviewed() -> None:
    text = SHIPPED.lookup("utter_greet", "ru")
    assert text.language == "ru"
    assert not text.reviewed


def _write_po(directory: Path, language: str, entries: str) -> None:
    folder = directory / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    (folder / "passage.po").write_text(header + entries, encoding="utf-8")


def test_missing_translation_falls_back_to_english_unreviewed(tmp_path: Path) -> None:
    _write_po(tmp_path, "en", 'msgid "a"\nmsgstr "Hello {name}"\n\nmsgid "b"\nmsgstr "Bye"\n')
    _write_po(tmp_path, "ru", 'msgid "a"\nmsgstr "Привет {name}"\n')
    catalogs = load_catalogs(tmp_path)
    assert catalogs.lookup("a", "ru").reviewed
    assert catalogs.render("a", "ru", name="Ivan") == "Привет Ivan"
    fallback = catalogs.lookup("b", "ru")
    assert (fallback.language, fallback.text, fallback.reviewed) == ("en", "Bye", False)
    assert catalogs.lookup("b", "xx").text == "Bye"


def test_unknown_message_id_is_an_error(tmp_path: Path) -> None:
    _write_po(tmp_path, "en", 'msgid "a"\nmsgstr "Hello"\n')
    with pytest.raises(UnknownMessage):
        load_catalogs(tmp_path).lookup("nope", "en")


def test_catalogs_need_the_english_source(tmp_path: Path) -> None:
    _write_po(tmp_path, "ru", 'msgid "a"\nmsgstr "Привет"\n')
    with pytest.raises(ValueError, match="source catalog"):
        load_catalogs(tmp_path)


def test_placeholders_are_the_brace_fields() -> None:
    assert placeholders("Case {case_reference} opened on {opened_on}.") == {
        "case_reference",
        "opened_on",
    }
    assert placeholders("No fields") == set()


def test_catalogs_type_is_exported() -> None:
    assert isinstance(SHIPPED, Catalogs)
