"""Passage's own sentence splitter, which stands in for Argos's downloading ones."""

import pytest

from translations.sentences import MAX_CHARS, split_sentences


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "She is safe. Is the shelter open? Call now!",
            "en",
            ["She is safe.", "Is the shelter open?", "Call now!"],
        ),
        ("Она в безопасности. Приют открыт?", "ru", ["Она в безопасности.", "Приют открыт?"]),
        # Decimals, abbreviations without a space after the dot, and "..." runs.
        (
            "It costs 3.5 dollars, i.e.not much... Fine.",
            "en",
            ["It costs 3.5 dollars, i.e.not much...", "Fine."],
        ),
        # Closing quotes and brackets stay with their sentence.
        ('He said "stop." (Then left.) Ok', "en", ['He said "stop."', "(Then left.)", "Ok"]),
        ("ខ្ញុំត្រូវការជំនួយ។សូមជួយខ្ញុំផង៕", "km", ["ខ្ញុំត្រូវការជំនួយ។", "សូមជួយខ្ញុំផង៕"]),
        ("ကျွန်ုပ်အကူအညီလိုအပ်ပါတယ်။ကျေးဇူးပါ။", "my", ["ကျွန်ုပ်အကူအညီလိုအပ်ပါတယ်။", "ကျေးဇူးပါ။"]),
        (
            "我需要帮助。谢谢你\uff01你好吗\uff1f",
            "zh",
            ["我需要帮助。", "谢谢你\uff01", "你好吗\uff1f"],
        ),
        ("ฉันต้องการความช่วยเหลือ  ขอบคุณครับ", "th", ["ฉันต้องการความช่วยเหลือ", "ขอบคุณครับ"]),
        ("ຂ້ອຍຕ້ອງການຄວາມຊ່ວຍເຫຼືອ ຂອບໃຈ", "lo", ["ຂ້ອຍຕ້ອງການຄວາມຊ່ວຍເຫຼືອ", "ຂອບໃຈ"]),
        # Line breaks always end a piece; blank lines and spaces give no empty ones.
        ("First line\n\n  second line.  \n", "en", ["First line", "second line."]),
        ("Men yordam kerak. Rahmat!", "uz", ["Men yordam kerak.", "Rahmat!"]),
    ],
)
def test_splits_at_the_marks_of_each_script(text: str, language: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


def test_thai_is_split_on_spaces_only_for_thai_and_lao() -> None:
    assert split_sentences("no end mark here", "en") == ["no end mark here"]
    assert split_sentences("no end mark here", "th") == ["no", "end", "mark", "here"]
    assert split_sentences("สวัสดี ครับ", "TH") == ["สวัสดี", "ครับ"]


def test_long_pieces_are_cut_at_a_space_or_comma_before_the_limit() -> None:
    words = " ".join(f"word{i}," for i in range(200))

    pieces = split_sentences(words, "en")

    assert len(pieces) > 1
    assert all(len(piece) <= MAX_CHARS for piece in pieces)
    assert " ".join(pieces) == words
    unbroken = "x" * (2 * MAX_CHARS + 5)
    assert [len(p) for p in split_sentences(unbroken, "en")] == [MAX_CHARS, MAX_CHARS, 5]


def test_nothing_to_split_gives_no_sentences() -> None:
    assert split_sentences("", "en") == []
    assert split_sentences(" \n\t ", "km") == []
