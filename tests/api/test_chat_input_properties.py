"""Properties of the web chat's input model over any input: it is accepted or refused with a
pydantic ValidationError (a 422), never with another exception (a 500); NUL characters, lone
surrogates and blank messages are always refused; an accepted message is kept as sent."""

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from api.routers.chat import ChatMessage
from passage.config import get_settings

PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True, database=None)
TAB = "tab-0123456789abcdef"
_TAB = re.compile(r"[A-Za-z0-9_-]{16,64}")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _validate(**fields: Any) -> ChatMessage | None:
    """The model, or None when it was refused the one allowed way."""
    try:
        return ChatMessage(**fields)
    except ValidationError:
        return None


# Any text, lone surrogates included: JSON can carry them ("\ud800") and Python parses them.
any_text = st.text(alphabet=st.characters() | st.characters(categories=["Cs"]))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@PROPERTIES
@given(any_text)
def test_any_message_is_accepted_unchanged_or_refused_with_a_validation_error(text: str) -> None:
    accepted = _validate(tab=TAB, message=text)

    if accepted is not None:
        assert accepted.message == text
    too_long = len(text) > get_settings().chat_message_max_chars
    refusable = "\x00" in text or not text.strip() or not _encodable(text) or too_long
    assert (accepted is None) == refusable


@PROPERTIES
@given(st.text(), st.characters(categories=["Cs"]), st.text())
def test_a_lone_surrogate_is_refused(before: str, surrogate: str, after: str) -> None:
    # Forwarded to Rasa it could not be encoded: a 500 before ChatMessage refused it.
    assert _validate(tab=TAB, message=f"{before}{surrogate}{after}x") is None


@PROPERTIES
@given(st.text(), st.text())
def test_a_nul_anywhere_is_refused(before: str, after: str) -> None:
    assert _validate(tab=TAB, message=f"{before}\x00{after}") is None


@PROPERTIES
@given(st.text(alphabet=st.characters(categories=["Zs", "Zl", "Zp", "Cc"]).filter(str.isspace)))
def test_blank_messages_are_refused(blank: str) -> None:
    assert _validate(tab=TAB, message=blank) is None


@PROPERTIES
@given(st.text(max_size=80))
def test_a_tab_id_is_a_short_token_of_safe_characters(tab: str) -> None:
    accepted = _validate(tab=tab, message="hello")
    assert (accepted is not None) == bool(_TAB.fullmatch(tab))


@PROPERTIES
@given(json_values, json_values)
def test_any_json_values_are_accepted_or_refused_with_a_validation_error(
    tab: object, message: object
) -> None:
    accepted = _validate(tab=tab, message=message)
    if accepted is not None:
        assert (accepted.tab, accepted.message) == (tab, message)


bodies = (
    st.binary(max_size=200)
    | json_values.map(lambda value: json.dumps(value).encode())
    | st.fixed_dictionaries({"tab": st.just(TAB) | st.text(), "message": st.text()}).map(
        lambda fields: json.dumps(fields).encode()
    )
)


@PROPERTIES
@given(bodies)
def test_any_body_is_accepted_or_refused_with_a_validation_error(body: bytes) -> None:
    try:
        accepted = ChatMessage.model_validate_json(body)
    except ValidationError:
        return
    sent = json.loads(body)
    assert (accepted.tab, accepted.message) == (sent["tab"], sent["message"])


def test_the_properties_can_fail() -> None:
    """The helpers refuse what they must (so the properties above are not vacuous)."""
    assert _validate(tab=TAB, message=" \n\t") is None
    assert _validate(tab="short", message="hello") is None
    assert _validate(tab=TAB, message="hello") is not None
    with pytest.raises(ValidationError):
        ChatMessage.model_validate_json(b"\xff")
