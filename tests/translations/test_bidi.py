"""Direction controls from typed or imported text cannot reach past the value they came with."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translations.bidi import FSI, PDI, balanced, isolate

LRE, RLE, PDF, RLO, LRI, RLI = "\u202a", "\u202b", "\u202c", "\u202e", "\u2066", "\u2067"
CONTROLS = [LRE, RLE, PDF, RLO, LRI, RLI, FSI, PDI, "\u202d"]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("plain", "plain"),
        (f"{RLO}evil", "evil"),  # an override left open would flip the rest of our sentence
        (f"a{PDF}b{PDI}c", "abc"),  # closers that close nothing
        (f"{RLE}ok{PDF} {RLI}ok{PDI}", f"{RLE}ok{PDF} {RLI}ok{PDI}"),  # properly closed: kept
        (f"{RLO}a\nb{PDF}", "a\nb"),  # a paragraph ends every embedding
        (f"{LRE}{FSI}x{PDF}{PDI}", f"{FSI}x{PDI}"),  # of crossed pairs the inner one stays
        (f"{LRI}{RLO}x{PDF}{PDI}", f"{LRI}{RLO}x{PDF}{PDI}"),
    ],
)
def test_only_closed_controls_are_kept(typed: str, kept: str) -> None:
    assert balanced(typed) == kept


def test_a_value_is_isolated_inside_our_sentence() -> None:
    assert isolate(f"{RLO}Shelter") == f"{FSI}Shelter{PDI}"


def _depth_never_negative_and_ends_at_zero(text: str) -> bool:
    openers = {LRE, RLE, RLO, "\u202d", LRI, RLI, FSI}
    depth = 0
    for character in text:
        if character in openers:
            depth += 1
        elif character in (PDF, PDI):
            depth -= 1
            if depth < 0:
                return False
        elif character == "\n" and depth:
            return False
    return depth == 0


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=st.sampled_from([*CONTROLS, "a", "ب", "\n", " "]), max_size=40))
def test_whatever_is_typed_leaves_no_control_open(typed: str) -> None:
    kept = balanced(typed)
    assert _depth_never_negative_and_ends_at_zero(kept)
    assert [c for c in kept if c not in CONTROLS] == [c for c in typed if c not in CONTROLS]
