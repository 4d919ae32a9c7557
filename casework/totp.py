"""Time-based one-time passwords (RFC 6238, the codes of authenticator apps) for web login.

Only the parameters every authenticator app supports: HMAC-SHA-1, 6 digits, 30-second steps.
A code is accepted one step early or late (clocks drift), and never for a step at or before the
last accepted one, so a code seen over a shoulder or in a proxy log cannot be used again.
"""

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote, urlencode

DIGITS = 6
STEP_SECONDS = 30
# One step either side: an accepted code is at most about a minute and a half old.
WINDOW = 1
# 160 bits, the key length RFC 4226 recommends for HMAC-SHA-1.
SECRET_BYTES = 20
ISSUER = "Passage"


def new_secret() -> str:
    """A random secret in base32 without padding, as authenticator apps expect it."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int, digits: int = DIGITS) -> str:
    """The code of one time step (RFC 4226 dynamic truncation)."""
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def accepted_step(secret: str, typed: str, *, now: datetime, last_step: int | None) -> int | None:
    """The time step the typed code belongs to, or None if it is wrong, too old or replayed.

    The caller stores the returned step as the account's last one.
    """
    code = typed.replace(" ", "").strip()
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    current = time_step(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        # Bytes: compare_digest wants ASCII, which the check above guarantees.
        if hmac.compare_digest(code_at(secret, step).encode(), code.encode()):
            return step
    return None


def provisioning_uri(secret: str, account_name: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code or a paste."""
    label = quote(f"{issuer}:{account_name}", safe=":@")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"
