"""Providers answer by SMS in their language: digits, every shipped language's words for accept
and decline, and free places reported with the word for beds; the catalogs' words and how
replies are parsed. What a parsed reply does is in test_sms_reply_handling.py."""

from itertools import combinations

import pytest

from casework.referral_status import Reason
from casework.sms_replies import (
    DIGITS,
    FORMS_SEPARATOR,
    MAX_PLACES,
    WORD_ID_PREFIX,
    Command,
    Verb,
    command_words,
    fold,
    parse_capacity,
    parse_reply,
)
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()
PROVIDER_LANGUAGES = ["en", "fr", "km", "ru", "th", "vi"]
CODE = "ABC234"
# Words Twilio acts on itself (opt-out, opt-in, help), English and Canadian French: a reply that
# is one of them could block the number instead of reaching Passage.
CARRIER_KEYWORDS = {
    "STOP",
    "STOPALL",
    "STOP ALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "OPTOUT",
    "REVOKE",
    "START",
    "YES",
    "UNSTOP",
    "HELP",
    "INFO",
    "ARRET",
    "ARRETE",
    "ARRETT",
}


def _forms(command: Command, language: str) -> list[str]:
    text = CATALOGS.lookup(f"{WORD_ID_PREFIX}{command.value}", language).text
    return text.split(FORMS_SEPARATOR)


# The catalogs


def test_every_provider_language_has_its_own_words() -> None:
    assert sorted(CATALOGS.languages) == PROVIDER_LANGUAGES
    for language in PROVIDER_LANGUAGES:
        for command in Command:
            text = CATALOGS.lookup(f"{WORD_ID_PREFIX}{command.value}", language)
            assert text.language == language, (language, command)


def test_every_form_is_a_word_the_parser_can_read() -> None:
    for language in PROVIDER_LANGUAGES:
        for command in Command:
            for form in _forms(command, language):
                assert form == form.strip() and form, (language, command, form)
                assert not any(fold(word).isdecimal() for word in form.split()), form


def test_no_word_means_two_things() -> None:
    meanings = command_words(CATALOGS)
    assert all(len(meant) == 1 for meant in meanings.values()), meanings
    # A word that starts another word with another meaning would be read as the shorter one.
    for (first, first_meant), (second, second_meant) in combinations(meanings.items(), 2):
        if first_meant == second_meant:
            continue
        shorter, longer = sorted((first, second), key=len)
        assert longer[: len(shorter)] != shorter, (first, second)


def test_a_word_of_one_language_is_never_the_opposite_in_another() -> None:
    by_language = {
        (language, command): {fold(form) for form in _forms(command, language)}
        for language in PROVIDER_LANGUAGES
        for command in Command
    }
    for (language, command), words in by_language.items():
        for (other_language, other), other_words in by_language.items():
            if other is not command:
                assert not words & other_words, (language, command, other_language, other)


def test_no_word_is_a_carrier_keyword() -> None:
    keywords = {fold(keyword) for keyword in CARRIER_KEYWORDS}
    keywords |= {keyword.replace(" ", "") for keyword in keywords}
    for key in command_words(CATALOGS):
        assert " ".join(key) not in keywords and "".join(key) not in keywords, key


@pytest.mark.parametrize("language", PROVIDER_LANGUAGES)
def test_the_referral_sms_states_the_digits_and_the_words(language: str) -> None:
    template = CATALOGS.lookup("sms.referral", language).text
    accept, decline = _forms(Command.ACCEPT, language)[0], _forms(Command.DECLINE, language)[0]
    assert f"1/{accept} {{code}}" in template
    assert f"2/{decline} {{code}}" in template


@pytest.mark.parametrize("language", PROVIDER_LANGUAGES)
def test_the_help_sms_states_every_command(language: str) -> None:
    text = CATALOGS.lookup("sms.help", language).text
    assert "1/" in text and "2/" in text
    for command in Command:
        assert _forms(command, language)[0] in text, command


@pytest.mark.parametrize("language", PROVIDER_LANGUAGES)
def test_the_capacity_answer_carries_the_count(language: str) -> None:
    assert str(MAX_PLACES) in CATALOGS.render(
        "sms.capacity_updated", language, available=str(MAX_PLACES)
    )


# Parsing


@pytest.mark.parametrize("language", PROVIDER_LANGUAGES)
def test_each_language_accepts_and_declines_in_its_words(language: str) -> None:
    for form in _forms(Command.ACCEPT, language):
        assert parse_reply(f"{form} {CODE}") == parse_reply(f"ACCEPT {CODE}"), form
    for form in _forms(Command.DECLINE, language):
        declined = parse_reply(f"{form} {CODE.lower()} full until Monday")
        assert declined is not None, form
        assert (declined.verb, declined.code) == (Verb.DECLINE, CODE)
        assert (declined.reason, declined.note) == (Reason.NO_CAPACITY, "full until Monday")


def test_digits_accept_and_decline() -> None:
    assert set(DIGITS) == {"1", "2"}
    accepted = parse_reply(f"1 {CODE}")
    assert accepted is not None and (accepted.verb, accepted.code) == (Verb.ACCEPT, CODE)
    declined = parse_reply(f"2 {CODE} language")
    assert declined is not None and (declined.verb, declined.reason) == (
        Verb.DECLINE,
        Reason.LANGUAGE,
    )
    bare = parse_reply(f"2 {CODE}")
    assert bare is not None and (bare.reason, bare.note) == (Reason.OTHER, None)
    # The same digits in Thai or Khmer script, or full width.
    for one in ("๑", "១", "\uff11"):
        again = parse_reply(f"{one} {CODE}")
        assert again is not None and again.verb is Verb.ACCEPT, one


@pytest.mark.parametrize(
    ("body", "verb"),
    [
        (f"NHAN {CODE}", Verb.ACCEPT),
        (f"nhận {CODE}", Verb.ACCEPT),
        (f"Nhận, {CODE}", Verb.ACCEPT),
        (f"tu choi {CODE}", Verb.DECLINE),
        (f"Từ  Chối: {CODE}", Verb.DECLINE),
        (f"accepté {CODE}", Verb.ACCEPT),
        (f"Refusé {CODE}", Verb.DECLINE),
        (f"принято {CODE}", Verb.ACCEPT),
        (f"«Отказ» {CODE}", Verb.DECLINE),
        (f"ទទួល។ {CODE}", Verb.ACCEPT),
        (f"ปฏิเสธ {CODE}", Verb.DECLINE),
        (f"(1) {CODE}", Verb.ACCEPT),
        (f"accept. {CODE.lower()}", Verb.ACCEPT),
    ],
)
def test_case_accents_and_punctuation_do_not_count(body: str, verb: Verb) -> None:
    reply = parse_reply(body)
    assert reply is not None and (reply.verb, reply.code) == (verb, CODE)


@pytest.mark.parametrize(
    "body",
    [
        f"YES {CODE}",
        f"OK {CODE}",
        f"3 {CODE}",
        f"TU {CODE}",
        f"CHOI {CODE}",
        f"1/ACCEPT {CODE}",
        f"{CODE} ACCEPT",
        "STOP",
        "ACCEPT",
        f"BEDS {CODE}",
    ],
)
def test_other_words_are_no_answer(body: str) -> None:
    assert parse_reply(body) is None and parse_capacity(body) is None


@pytest.mark.parametrize(
    ("body", "places"),
    [
        ("BEDS 3", 3),
        ("beds: 0", 0),
        ("Lits 12.", 12),
        ("Места 5", 5),
        ("គ្រែ ៣", 3),
        ("เตียง ๔", 4),
        ("giuong 2", 2),
        (f"GIƯỜNG {MAX_PLACES}", MAX_PLACES),
    ],
)
def test_a_capacity_word_and_a_count(body: str, places: int) -> None:
    assert parse_capacity(body) == places and parse_reply(body) is None


@pytest.mark.parametrize(
    "body", [f"BEDS {MAX_PLACES + 1}", "BEDS -1", "BEDS 3 4", "BEDS", "BEDS three", "BEDS 2.5"]
)
def test_a_count_out_of_bounds_or_unreadable_is_none(body: str) -> None:
    assert parse_capacity(body) is None
