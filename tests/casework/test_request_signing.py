"""Signatures on partner pushes, and the verification example that providers copy from the docs."""

import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from casework.request_signing import new_secret, sign, verify

DOC = Path(__file__).resolve().parents[2] / "docs" / "partner-push.md"
NOW = datetime(2026, 3, 14, 21, 5, 30, tzinfo=UTC)
SECRET = "s3cret-ü"  # non-ASCII on purpose: the secret is encoded as UTF-8
BODY = b'{"resourceType":"Bundle","type":"collection"}'


def test_round_trip() -> None:
    headers = sign(SECRET, BODY, NOW)
    assert set(headers) == {"X-Passage-Timestamp", "X-Passage-Signature"}
    assert headers["X-Passage-Timestamp"] == str(int(NOW.timestamp()))
    assert re.fullmatch(r"v1=[0-9a-f]{64}", headers["X-Passage-Signature"])
    assert verify(SECRET, BODY, headers, NOW)


def test_signature_is_over_timestamp_dot_body() -> None:
    headers = sign(SECRET, BODY, NOW)
    signed = headers["X-Passage-Timestamp"].encode() + b"." + BODY
    digest = hmac.new(SECRET.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    assert headers["X-Passage-Signature"] == f"v1={digest}"


def test_header_names_are_case_insensitive() -> None:
    headers = {name.lower(): value for name, value in sign(SECRET, BODY, NOW).items()}
    assert verify(SECRET, BODY, headers, NOW)
    upper = {name.upper(): value for name, value in headers.items()}
    assert verify(SECRET, BODY, upper, NOW)


def test_within_tolerance_either_way() -> None:
    headers = sign(SECRET, BODY, NOW)
    assert verify(SECRET, BODY, headers, NOW + timedelta(minutes=5))
    assert verify(SECRET, BODY, headers, NOW - timedelta(minutes=5))


def test_tampered_body() -> None:
    headers = sign(SECRET, BODY, NOW)
    assert not verify(SECRET, BODY.replace(b"collection", b"transaction"), headers, NOW)
    assert not verify(SECRET, BODY + b" ", headers, NOW)


def test_wrong_secret() -> None:
    assert not verify(new_secret(), BODY, sign(SECRET, BODY, NOW), NOW)


def test_old_timestamp() -> None:
    headers = sign(SECRET, BODY, NOW - timedelta(minutes=5, seconds=1))
    assert not verify(SECRET, BODY, headers, NOW)


def test_future_timestamp() -> None:
    headers = sign(SECRET, BODY, NOW + timedelta(minutes=5, seconds=1))
    assert not verify(SECRET, BODY, headers, NOW)


def test_timestamp_swapped_after_signing() -> None:
    headers = sign(SECRET, BODY, NOW - timedelta(hours=1))
    headers["X-Passage-Timestamp"] = str(int(NOW.timestamp()))
    assert not verify(SECRET, BODY, headers, NOW)


@pytest.mark.parametrize("missing", ["X-Passage-Timestamp", "X-Passage-Signature"])
def test_missing_header(missing: str) -> None:
    headers = sign(SECRET, BODY, NOW)
    del headers[missing]
    assert not verify(SECRET, BODY, headers, NOW)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Passage-Timestamp", ""),
        ("X-Passage-Timestamp", "yesterday"),
        ("X-Passage-Timestamp", "-1"),
        ("X-Passage-Timestamp", "1.5e9"),
        ("X-Passage-Timestamp", "١٧٧٣٥٢٢٣٣٠"),  # Arabic-Indic digits pass str.isdigit()
        ("X-Passage-Timestamp", "9" * 400),
        ("X-Passage-Signature", ""),
        ("X-Passage-Signature", "v1="),
        ("X-Passage-Signature", "v2=" + "0" * 64),
        ("X-Passage-Signature", "v1=" + "z" * 64),
        ("X-Passage-Signature", "v1=" + "é" * 64),
        ("X-Passage-Signature", "garbage"),
    ],
)
def test_garbage_header(name: str, value: str) -> None:
    headers = sign(SECRET, BODY, NOW)
    headers[name] = value
    assert not verify(SECRET, BODY, headers, NOW)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        sign(SECRET, BODY, datetime(2026, 3, 14, 21, 5))
    with pytest.raises(ValueError):
        verify(SECRET, BODY, sign(SECRET, BODY, NOW), datetime(2026, 3, 14, 21, 5))


def test_new_secrets_are_long_and_distinct() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100
    assert all(len(secret) >= 43 for secret in secrets)


def doc_verifier() -> Callable[[str, bytes, str, str], bool]:
    """The verification example from docs/partner-push.md, run as a provider would run it."""
    match = re.search(r"<!-- example: verify -->\s*```python\n(.*?)```", DOC.read_text(), re.S)
    assert match, "docs/partner-push.md lost its verification example"
    namespace: dict[str, object] = {}
    exec(compile(match.group(1), str(DOC), "exec"), namespace)
    return cast(Callable[[str, bytes, str, str], bool], namespace["verify_push"])


def test_doc_example_accepts_what_we_sign_and_rejects_the_rest() -> None:
    verify_push = doc_verifier()
    now = datetime.now(UTC)  # the example reads the clock itself
    headers = sign(SECRET, BODY, now)
    timestamp, signature = headers["X-Passage-Timestamp"], headers["X-Passage-Signature"]
    assert verify_push(SECRET, BODY, timestamp, signature)
    assert not verify_push(SECRET, BODY + b" ", timestamp, signature)
    assert not verify_push("other", BODY, timestamp, signature)
    assert not verify_push(SECRET, BODY, "garbage", signature)
    assert not verify_push(SECRET, BODY, timestamp, "v1=" + "é" * 64)
    old = sign(SECRET, BODY, now - timedelta(minutes=10))
    assert not verify_push(SECRET, BODY, old["X-Passage-Timestamp"], old["X-Passage-Signature"])
