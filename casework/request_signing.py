"""HMAC-SHA256 signatures on referral pushes, so a provider can tell they come from us, unaltered.

The signed bytes are f"{timestamp}.".encode() + body: binding the timestamp stops an old push
from being replayed later, and signing the raw body (not parsed JSON) leaves nothing to
canonicalise. docs/partner-push.md shows providers how to check it.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

TIMESTAMP_HEADER = "X-Passage-Timestamp"
SIGNATURE_HEADER = "X-Passage-Signature"
_VERSION = "v1"
_TIMESTAMP = re.compile(r"[0-9]{1,20}")
_SIGNATURE = re.compile(rf"{_VERSION}=([0-9a-fA-F]{{64}})")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def sign(secret: str, body: bytes, now: datetime) -> dict[str, str]:
    timestamp = str(int(_aware(now).timestamp()))
    return {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: f"{_VERSION}={_digest(secret, timestamp, body)}",
    }


def verify(
    secret: str,
    body: bytes,
    headers: Mapping[str, str],
    now: datetime,
    tolerance: timedelta = timedelta(minutes=5),
) -> bool:
    """True only for an intact body signed with this secret within tolerance of now."""
    # HTTP header names are case-insensitive, and proxies do rewrite their case.
    lowered = {name.lower(): value for name, value in headers.items()}
    timestamp = lowered.get(TIMESTAMP_HEADER.lower(), "").strip()
    signature = _SIGNATURE.fullmatch(lowered.get(SIGNATURE_HEADER.lower(), "").strip())
    if not _TIMESTAMP.fullmatch(timestamp) or signature is None:
        return False
    if abs(_aware(now).timestamp() - int(timestamp)) > tolerance.total_seconds():
        return False
    expected = _digest(secret, timestamp, body)
    return hmac.compare_digest(expected, signature.group(1).lower())


def _digest(secret: str, timestamp: str, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def _aware(moment: datetime) -> datetime:
    # A naive datetime would be read as local time and shift every timestamp by the UTC offset.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return moment
