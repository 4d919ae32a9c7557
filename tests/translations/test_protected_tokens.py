"""E-mails, URLs, phone numbers and reference codes survive translation unchanged."""

import pytest

from translations.protected_tokens import protect


@pytest.mark.parametrize(
    "token",
    [
        "anna_k@mail.example",
        "first.last+shelter@help-line.org.kz",
        "https://example.org/a_b?case=KX7P-2M9Q&x=1",
        "www.example.org/help_me",
        "+7 701 123 45 67",
        "+7 (701) 123-45-67",
        "8 (727) 2 50 50 50",
        "+855 12 345 678",
        "KX7P-2M9Q",
        "WWWWWW",
        "AB3DE7Q9",
    ],
)
def test_each_kind_of_token_becomes_a_placeholder_and_comes_back(token: str) -> None:
    text = f"Write to {token}, please."

    protected = protect(text)

    assert protected.text == "Write to [1], please."
    assert protected.tokens == (token,)
    assert protected.restore(protected.text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Room 12, floor 3, 2 children.",  # short numbers
        "12345",  # too few digits for a phone, too few characters for a code
        "Call 1 2 3.",
        "ABCDE and ABCDEFGHIJ",  # 5 and 10 characters: not codes
        "Kx7p-2m9q and Police",  # lower case: not codes
        "She is 25 years old.",
    ],
)
def test_ordinary_words_and_numbers_are_left_to_the_model(text: str) -> None:
    protected = protect(text)

    assert protected.text == text
    assert protected.tokens == ()


def test_tokens_are_numbered_in_order_and_repeats_share_a_placeholder() -> None:
    text = "Ref KX7P-2M9Q: mail anna_k@mail.example about KX7P-2M9Q."

    protected = protect(text)

    assert protected.text == "Ref [1]: mail [2] about [1]."
    assert protected.restore("Réf. [1] : écrire à [2] au sujet de [1].") == (
        "Réf. KX7P-2M9Q : écrire à anna_k@mail.example au sujet de KX7P-2M9Q."
    )


def test_a_url_keeps_no_trailing_punctuation() -> None:
    protected = protect("See https://example.org/path_a). Then (www.example.org).")

    assert protected.tokens == ("https://example.org/path_a", "www.example.org")


def test_the_texts_own_bracketed_numbers_are_not_taken_for_placeholders() -> None:
    text = "See note [1] and [2]; call +7 701 123 45 67."

    protected = protect(text)

    assert protected.tokens == ("[1]", "[2]", "+7 701 123 45 67")
    assert protected.restore(protected.text) == text


def test_placeholders_the_model_spaced_or_repeated_are_restored() -> None:
    protected = protect("Code WWWWWW")

    assert protected.restore("Код [ 1 ] ([1])") == "Код WWWWWW (WWWWWW)"


def test_a_token_whose_placeholder_the_model_dropped_is_appended() -> None:
    protected = protect("Call +7 701 123 45 67 about KX7P-2M9Q")

    assert protected.restore("Позвоните по поводу [2]") == (
        "Позвоните по поводу KX7P-2M9Q +7 701 123 45 67"
    )


def test_numbers_in_brackets_beyond_the_placeholders_stay() -> None:
    protected = protect("Code WWWWWW")

    assert protected.restore("[1] [7]") == "WWWWWW [7]"
    assert protect("no tokens").restore("[1] stays") == "[1] stays"
