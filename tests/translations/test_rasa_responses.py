from pathlib import Path

import yaml

from translations.catalog import shipped_catalogs
from translations.numbering import numbered
from translations.rasa_responses import (
    TEXT_ONLY_CHANNELS,
    build_responses,
    load_specs,
    write_domain_file,
)

CATALOGS = shipped_catalogs()
RESPONSES = build_responses(CATALOGS, load_specs())


def _variation(name: str, language: str | None, channel: str | None) -> dict:
    matches = [
        v
        for v in RESPONSES[name]
        if v.get("channel") == channel
        and (v.get("condition") or [{}])[0].get("value") == (None if language == "en" else language)
    ]
    assert len(matches) == 1, (name, language, channel)
    return matches[0]


def test_every_spec_has_a_source_text() -> None:
    for spec in load_specs():
        assert CATALOGS.lookup(spec.name, "en").text
        for button in spec.all_buttons(CATALOGS):
            assert CATALOGS.lookup(button.title, "en").text


def test_default_variation_is_english_with_buttons() -> None:
    greet = _variation("utter_greet", "en", None)
    assert greet["text"] == CATALOGS.lookup("utter_greet", "en").text
    assert [b["payload"] for b in greet["buttons"]] == [
        "/start_case",
        "/resume_case",
        "/change_language",
    ]
    assert "condition" not in greet


def test_russian_variation_is_conditioned_on_the_language_slot() -> None:
    greet = _variation("utter_greet", "ru", None)
    assert greet["condition"] == [{"type": "slot", "name": "language", "value": "ru"}]
    assert greet["text"] == CATALOGS.lookup("utter_greet", "ru").text
    assert greet["buttons"][0]["title"] == CATALOGS.lookup("button.start_case", "ru").text


def test_buttons_stay_buttons_for_every_channel() -> None:
    """SMS and WhatsApp get the options numbered by the API, which then knows what a typed
    number stands for; Rasa's responses keep the buttons."""
    assert TEXT_ONLY_CHANNELS == ()
    greet = _variation("utter_greet", "ru", None)
    assert greet["buttons"][0]["title"] == CATALOGS.lookup("button.start_case", "ru").text
    lines = numbered("Hello", [b["title"] for b in greet["buttons"]]).splitlines()
    assert lines[1] == "1. " + CATALOGS.lookup("button.start_case", "ru").text
    assert lines[3] == "3. " + CATALOGS.lookup("button.change_language", "ru").text


def test_placeholders_survive_for_rasa_to_fill() -> None:
    assert "{case_reference}" in _variation("utter_case_opened", "ru", None)["text"]


def test_domain_file_is_valid_yaml_with_every_response(tmp_path: Path) -> None:
    out = tmp_path / "domain" / "responses.yml"
    write_domain_file(CATALOGS, out)
    loaded = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert loaded["version"] == "3.1"
    assert set(loaded["responses"]) == {spec.name for spec in load_specs()}
    assert out.read_text(encoding="utf-8").startswith("# Generated")


def test_the_language_choice_offers_every_officer_language() -> None:
    spec = next(s for s in load_specs() if s.name == "utter_choose_language")
    payloads = [b.payload for b in spec.all_buttons(CATALOGS)]
    assert payloads == [
        '/set_language{"language":"en"}',
        '/set_language{"language":"fr"}',
        '/set_language{"language":"km"}',
        '/set_language{"language":"ru"}',
        '/set_language{"language":"th"}',
        '/set_language{"language":"vi"}',
    ]  # and no person-only language such as uz
