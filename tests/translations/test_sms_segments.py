"""Segment counts at the boundaries where a template starts costing another SMS."""

import pytest

from translations.sms_segments import encoding, segments

CYRILLIC = "я"
KHMER = "សួស្តី"  # "hello": consonants, a subscript sign and vowel signs, 6 code units
EMOJI = "😀"


@pytest.mark.parametrize(
    ("length", "expected"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm_boundaries(length: int, expected: int) -> None:
    assert encoding("a" * length) == "GSM-7"
    assert segments("a" * length) == expected


@pytest.mark.parametrize(
    ("length", "expected"),
    [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3)],
)
def test_ucs2_boundaries(length: int, expected: int) -> None:
    assert encoding(CYRILLIC * length) == "UCS-2"
    assert segments(CYRILLIC * length) == expected


def test_empty_text_is_no_segment() -> None:
    assert segments("") == 0
    assert encoding("") == "GSM-7"


@pytest.mark.parametrize("char", ["\u2013", "\u2019", "\u201c", "ç"])
def test_one_non_gsm_character_makes_latin_text_ucs2(char: str) -> None:
    text = "Your referral was accepted" + char
    assert encoding("Your referral was accepted") == "GSM-7"
    assert encoding(text) == "UCS-2"
    assert segments("a" * 69 + char) == 1
    assert segments("a" * 70 + char) == 2


def test_gsm_accented_and_greek_letters_stay_gsm() -> None:
    assert encoding("Ça coûte") == "UCS-2"  # û is not in GSM 03.38
    assert encoding("Ça va? ¿Qué? Niño Ñu ΔΩ £5 §3 @home\r\n") == "GSM-7"


def test_euro_and_extension_characters_count_two_septets() -> None:
    assert encoding("€") == "GSM-7"
    assert segments("€" * 80) == 1
    assert segments("€" * 81) == 2
    assert segments("a" * 159 + "€") == 2
    assert segments("a" * 158 + "{") == 1


def test_extension_character_is_not_split_across_parts() -> None:
    # 306 septets would fit two parts if the escape and its character could be parted.
    assert segments("a" * 152 + "€" + "a" * 152) == 3
    assert segments("a" * 151 + "€" + "a" * 153) == 2


def test_khmer_is_counted_in_code_units_including_combining_marks() -> None:
    assert len(KHMER) == 6
    assert encoding(KHMER) == "UCS-2"
    assert segments(KHMER * 11 + "ក" * 4) == 1  # 70 code units
    assert segments(KHMER * 11 + "ក" * 5) == 2


def test_emoji_counts_two_code_units() -> None:
    assert encoding("ok " + EMOJI) == "UCS-2"
    assert segments(EMOJI * 35) == 1
    assert segments(EMOJI * 36) == 2
    assert segments("a" * 68 + EMOJI) == 1
    assert segments("a" * 69 + EMOJI) == 2


def test_surrogate_pair_is_not_split_across_parts() -> None:
    assert segments(CYRILLIC * 66 + EMOJI + CYRILLIC * 66) == 3
    assert segments(CYRILLIC * 65 + EMOJI + CYRILLIC * 67) == 2
