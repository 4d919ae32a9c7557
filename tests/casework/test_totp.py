"""TOTP against the SHA-1 test vectors of RFC 6238 (appendix B), and our acceptance rules."""

import base64
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from casework.totp import (
    accepted_step,
    code_at,
    new_secret,
    provisioning_uri,
    time_step,
)

# The RFC's SHA-1 key is the ASCII text "12345678901234567890".
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("unix_time", "eight_digits"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_rfc_6238_vectors(unix_time: int, eight_digits: str) -> None:
    step = time_step(datetime.fromtimestamp(unix_time, UTC))
    assert code_at(RFC_SECRET, step, digits=8) == eight_digits
    # Six digits are the same number modulo 10**6.
    assert code_at(RFC_SECRET, step) == eight_digits[2:]


NOW = datetime.fromtimestamp(1111111111, UTC)
STEP = time_step(NOW)


def test_a_code_is_accepted_one_step_either_side_only() -> None:
    for offset in (-1, 0, 1):
        code = code_at(RFC_SECRET, STEP + offset)
        assert accepted_step(RFC_SECRET, code, now=NOW, last_step=None) == STEP + offset
    for offset in (-2, 2):
        code = code_at(RFC_SECRET, STEP + offset)
        assert accepted_step(RFC_SECRET, code, now=NOW, last_step=None) is None


def test_a_used_step_or_an_older_one_is_refused() -> None:
    code = code_at(RFC_SECRET, STEP)
    assert accepted_step(RFC_SECRET, code, now=NOW, last_step=STEP) is None
    earlier = code_at(RFC_SECRET, STEP - 1)
    assert accepted_step(RFC_SECRET, earlier, now=NOW, last_step=STEP) is None
    later = code_at(RFC_SECRET, STEP + 1)
    assert accepted_step(RFC_SECRET, later, now=NOW, last_step=STEP) == STEP + 1


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 5x"])
def test_malformed_codes_are_refused(typed: str) -> None:
    assert accepted_step(RFC_SECRET, typed, now=NOW, last_step=None) is None


def test_spaces_in_a_typed_code_are_ignored() -> None:
    code = code_at(RFC_SECRET, STEP)
    assert accepted_step(RFC_SECRET, f"{code[:3]} {code[3:]}", now=NOW, last_step=None) == STEP


def test_new_secrets_are_160_random_bits_in_base32() -> None:
    first, second = new_secret(), new_secret()
    assert first != second
    assert len(base64.b32decode(first)) == 20
    assert code_at(first, STEP).isdigit()


def test_the_provisioning_uri_names_issuer_account_and_parameters() -> None:
    uri = urlsplit(provisioning_uri("JBSWY3DPEHPK3PXP", "coord.one"))
    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/Passage:coord.one")
    assert parse_qs(uri.query) == {
        "secret": ["JBSWY3DPEHPK3PXP"],
        "issuer": ["Passage"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }
