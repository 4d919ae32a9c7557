"""The data keys: parsed from a setting's text or a key file, AES-256-GCM per value.

A stored value is `enc:v1:<key_id>:<base64url(nonce + ciphertext + tag)>`. The first key
encrypts new values; every key decrypts, so values written under an older key stay readable
after a new key is put in front (rotation). A value without the prefix was written before
encryption and is returned as it is, so the upgrade needs no downtime.
"""

import base64
import binascii
import logging
import os
import re
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.exc import DontWrapMixin

PREFIX = "enc:v1:"
KEY_FILE_NAME = "data-keys"
_NONCE_BYTES = 12  # 96 bits, the size GCM is specified for
_TAG_BYTES = 16
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
# 32 bytes are 43 base64url characters, plus one '=' when padded.
_KEY_TEXT = re.compile(r"[A-Za-z0-9_-]{43}=?")
_KEY_FILE_HEADER = (
    "# Keys that encrypt identifying fields in the Passage database (made by `passage keys`).\n"
    "# The first key encrypts new values; all of them decrypt. Without this file the encrypted\n"
    "# data cannot be read: back it up, but not next to the database backups.\n"
)

log = logging.getLogger(__name__)


class FieldCryptoError(DontWrapMixin, Exception):
    """Encryption at rest cannot proceed; messages name columns and key ids, never values.

    DontWrapMixin: SQLAlchemy would otherwise wrap an error raised while binding a value in a
    StatementError whose message lists the statement's parameters, the plaintext among them.
    """


class KeyConfigError(FieldCryptoError):
    """The configured keys cannot be used."""


class DecryptionError(FieldCryptoError):
    def __init__(self, label: str, key_id: str | None, why: str) -> None:
        key = f" (key id {key_id!r})" if key_id is not None else ""
        super().__init__(f"Cannot decrypt {label}{key}: {why}.")
        self.label = label
        self.key_id = key_id


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    # urlsafe_b64decode silently skips characters outside the alphabet; refuse them instead.
    if not re.fullmatch(r"[A-Za-z0-9_-]*=*", text):
        raise binascii.Error("not base64url")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


class Keyring:
    """Data keys by id; the first is current. Its repr shows key ids only."""

    def __init__(self, keys: Sequence[tuple[str, bytes]], source: str) -> None:
        if not keys:
            raise KeyConfigError(f"{source} holds no key.")
        self._ciphers: dict[str, AESGCM] = {}
        for key_id, key in keys:
            if key_id in self._ciphers:
                raise KeyConfigError(f"{source} names key id {key_id!r} twice.")
            self._ciphers[key_id] = AESGCM(key)
        self.source = source
        self.key_ids = tuple(self._ciphers)
        self.current_key_id = self.key_ids[0]

    def __repr__(self) -> str:
        return f"Keyring({', '.join(self.key_ids)}; from {self.source})"

    def encrypt(self, label: str, plaintext: str) -> str:
        """`label` ("<table>.<column>") is authenticated, so a copy in another column fails."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[self.current_key_id].encrypt(
            nonce, plaintext.encode("utf-8"), label.encode("utf-8")
        )
        return f"{PREFIX}{self.current_key_id}:{_b64encode(nonce + sealed)}"

    def decrypt(self, label: str, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # written before encryption; `passage keys reencrypt` encrypts it
        key_id, colon, payload = stored[len(PREFIX) :].partition(":")
        if not colon or not _KEY_ID.fullmatch(key_id):
            raise DecryptionError(label, None, "the value is not well-formed")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(label, key_id, "no key with this id is configured")
        try:
            raw = _b64decode(payload)
        except (binascii.Error, ValueError):
            raise DecryptionError(label, key_id, "the value is not well-formed") from None
        if len(raw) < _NONCE_BYTES + _TAG_BYTES:
            raise DecryptionError(label, key_id, "the value is not well-formed")
        try:
            plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], label.encode("utf-8"))
        except InvalidTag:
            raise DecryptionError(
                label, key_id, "the value was altered or belongs to another column"
            ) from None
        return plain.decode("utf-8")

    @staticmethod
    def key_id_of(stored: str) -> str | None:
        """The key id a stored value names; None for plaintext written before encryption."""
        if not stored.startswith(PREFIX):
            return None
        key_id = stored[len(PREFIX) :].partition(":")[0]
        # Anything else is not an id and must not be echoed: it could be part of a value.
        return key_id if _KEY_ID.fullmatch(key_id) else "malformed"


def parse_keys(text: str, source: str) -> Keyring:
    """`key_id:base64url-key` entries separated by commas or lines; `#` starts a comment line."""
    entries = [
        entry.strip()
        for line in text.splitlines()
        if not line.lstrip().startswith("#")
        for entry in line.split(",")
        if entry.strip()
    ]
    keys = []
    for number, entry in enumerate(entries, start=1):
        key_id, _, key_text = entry.partition(":")
        # The message must not quote the entry: it holds key material.
        if not _KEY_ID.fullmatch(key_id) or not _KEY_TEXT.fullmatch(key_text):
            raise KeyConfigError(
                f"{source}: entry {number} is not key_id:base64url-32-bytes "
                "(key ids are 1-32 letters, digits, '-' or '_'; `passage keys new` makes one)."
            )
        keys.append((key_id, _b64decode(key_text)))
    return Keyring(keys, source)


def new_key_line(now: datetime | None = None) -> str:
    """A fresh `key_id:key`; the id carries the date so operators can tell keys apart."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d")
    return f"{stamp}-{secrets.token_hex(3)}:{_b64encode(AESGCM.generate_key(bit_length=256))}"


def _read_or_create_key_file(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        handle = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(_KEY_FILE_HEADER + new_key_line() + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            # Atomic and never overwrites: when the API, action server and worker start at
            # once, one file wins and all of them read it.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    if path.stat().st_mode & 0o077:
        log.warning("The key file %s can be read by other users; chmod 600 it.", path)
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def keyring_from(data_keys: str, key_file: Path) -> Keyring:
    """The keys of `data_keys` when given, else of the key file (made on first use). Cached by
    value, so a changed setting gives the new keys."""
    if data_keys.strip():
        return parse_keys(data_keys, "PASSAGE_DATA_KEYS")
    return parse_keys(_read_or_create_key_file(key_file), f"key file {key_file}")


KeySource = Callable[[], Keyring]
_key_source: KeySource | None = None


def use_keys(source: KeySource) -> None:
    """Hands in where the keys come from. The column types ask on every value rather than
    once, so a process whose configuration changes (tests, rotation) gets the new keys."""
    global _key_source
    _key_source = source


def current_keyring() -> Keyring:
    if _key_source is None:
        raise KeyConfigError("No data keys were handed in (passage.config hands them in).")
    return _key_source()
