"""Properties of the SMS reply parser over any text a phone can send: it never raises, it finds a
command only around a well-formed referral code, and the way a provider types a command (case,
spaces, line breaks, a colon after the verb) does not change what it means. The verbs are the
digits and every shipped language's words for them."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from casework.references import ALPHABET
from casework.referral_status import Reason
from casework.referrals import CODE_LENGTH
from casework.sms_replies import (
    DIGITS,
    FORMS_SEPARATOR,
    MAX_NOTE,
    WORD_ID_PREFIX,
    ProviderReply,
    Verb,
    command_words,
    fold,
    parse_reply,
    word_key,
)
from translations.catalog import shipped_catalogs

PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True, database=None)

codes = st.text(alphabet=ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)
# What str.split() splits on, including the line breaks and tabs of phone keyboards.
gaps = st.text(alphabet=" \t\n\r\u00a0\u2003\u3000", min_size=1, max_size=4)
CATALOGS = shipped_catalogs()
# Every verb as a provider may type it: a digit or a form of a catalog word, with what it means.
VERB_OF = {digit: Verb(command.value) for digit, command in DIGITS.items()} | {
    form: verb
    for verb in Verb
    for language in CATALOGS.languages
    for form in CATALOGS.lookup(f"{WORD_ID_PREFIX}{verb.value}", language).text.split(
        FORMS_SEPARATOR
    )
}
COMMAND_KEYS = command_words(CATALOGS)
# Every character a command word can be typed with, folded as the parser folds.
COMMAND_CHARS = {char for key in COMMAND_KEYS for word in key for char in word}
verbs = st.sampled_from(sorted(VERB_OF))
reason_words = st.sampled_from(
    ["full", "capacity", "eligibility", "language", "safety", "unsafe", "declined", "other"]
)
note_words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.,!", min_size=1, max_size=8),
    max_size=5,
)


def _any_case(data: st.DataObject, text: str) -> str:
    flips = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.lower() if flip else c.upper() for c, flip in zip(text, flips, strict=True))


@st.composite
def commands(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A well-formed command in canonical form, and its words after the verb and code."""
    verb, code = draw(verbs), draw(codes)
    rest = (
        [draw(reason_words), *draw(note_words)]
        if VERB_OF[verb] is Verb.DECLINE and draw(st.booleans())
        else []
    )
    return verb, [code, *rest]


@PROPERTIES
@given(st.text())
def test_any_text_parses_without_raising(body: str) -> None:
    result = parse_reply(body)
    assert result is None or isinstance(result, ProviderReply)


@PROPERTIES
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_a_command_always_carries_a_well_formed_code_from_the_text(body: str) -> None:
    result = parse_reply(body)
    if result is None:
        return
    assert re.fullmatch(f"[{ALPHABET}]{{{CODE_LENGTH}}}", result.code)
    words = body.split()
    # The verb is one word or more (Vietnamese TỪ CHỐI); the code is the word right after it.
    verb_size = max(
        n for n in range(1, len(words)) if word_key(" ".join(words[:n])) in COMMAND_KEYS
    )
    assert re.sub(r"[^A-Za-z0-9]", "", words[verb_size]).upper() == result.code
    assert result.note is None or len(result.note) <= MAX_NOTE


# One word: no whitespace in it, so it is the second word of the text.
words = st.text(min_size=1, max_size=20).map(lambda text: "".join(text.split())).filter(bool)


@PROPERTIES
@given(verbs, words, st.text(max_size=40))
def test_no_command_without_a_valid_code(verb: str, word: str, rest: str) -> None:
    # Whatever the second word is, if it does not reduce to a code there is no command.
    if re.fullmatch(f"[{ALPHABET}]{{{CODE_LENGTH}}}", re.sub(r"[^A-Za-z0-9]", "", word).upper()):
        return
    assert parse_reply(f"{verb} {word} {rest}") is None


@PROPERTIES
@given(verbs, st.text(alphabet="IO01LU", min_size=CODE_LENGTH, max_size=CODE_LENGTH))
def test_codes_with_letters_outside_the_alphabet_are_refused(verb: str, code: str) -> None:
    assert parse_reply(f"{verb} {code}") is None


def _in_no_command_word(char: str) -> bool:
    return not set(fold(char)) & COMMAND_CHARS


@PROPERTIES
@given(st.text(alphabet=st.characters().filter(_in_no_command_word), max_size=60))
def test_no_command_without_a_verb(body: str) -> None:
    assert parse_reply(body) is None


@PROPERTIES
@given(commands(), st.data())
def test_case_and_spacing_do_not_change_the_command(
    command: tuple[str, list[str]], data: st.DataObject
) -> None:
    verb, (code, *rest) = command
    canonical = parse_reply(" ".join([verb, code, *rest]))
    assert canonical is not None

    typed_verb = _any_case(data, verb) + data.draw(st.sampled_from(["", ":", ".", ","]))
    typed_code = _any_case(data, code)
    words = [typed_verb, typed_code, *rest]
    separators = [data.draw(gaps) for _ in words]
    typed = data.draw(gaps) + "".join(w + s for w, s in zip(words, separators, strict=True))

    assert parse_reply(typed) == canonical


@PROPERTIES
@given(commands())
def test_a_parsed_command_is_what_was_typed(command: tuple[str, list[str]]) -> None:
    verb, (code, *rest) = command
    result = parse_reply(" ".join([verb, code, *rest]))

    assert result is not None
    assert (result.verb, result.code) == (VERB_OF[verb], code)
    if VERB_OF[verb] is Verb.ACCEPT:
        assert (result.reason, result.note) == (None, None)
    elif rest:
        assert result.note == " ".join(rest)
        assert result.reason is not Reason.NO_RESPONSE
    else:
        assert (result.reason, result.note) == (Reason.OTHER, None)
