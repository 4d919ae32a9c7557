import pytest

from casework.references import ALPHABET, InvalidReference, new_reference, normalize_reference


def test_new_reference_has_two_groups_of_the_alphabet() -> None:
    reference = new_reference()
    first, second = reference.split("-")
    assert len(first) == len(second) == 4
    assert set(first + second) <= set(ALPHABET)


def test_references_do_not_repeat_in_practice() -> None:
    assert len({new_reference() for _ in range(2000)}) == 2000


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("KX7P-2M9Q", "KX7P-2M9Q"),
        ("kx7p-2m9q", "KX7P-2M9Q"),
        ("kx7p2m9q", "KX7P-2M9Q"),
        (" KX7P 2M9Q ", "KX7P-2M9Q"),
        ("kx7p_2m9q", "KX7P-2M9Q"),
    ],
)
def test_normalize_accepts_what_people_type(typed: str, expected: str) -> None:
    assert normalize_reference(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "KX7P", "KX7P-2M9Q-AAAA", "KX0P-2M9Q", "KX7P-2M1Q", "hello world", "ЖЖЖЖ-ЖЖЖЖ"]
)
def test_normalize_refuses_non_references(typed: str) -> None:
    with pytest.raises(InvalidReference):
        normalize_reference(typed)


def test_alphabet_has_no_look_alikes() -> None:
    assert not set("01OILUV") & set(ALPHABET)
