"""Rasa's SQL tracker store with each event's JSON encrypted at rest (this module runs inside the
Rasa server; `bot/endpoints.yml` names it by module path).

The `events` table keeps Rasa's schema. Only `data` changes: it holds the event as Rasa
serialises it (what the officer typed, what the bot said, slot values, entities, action texts),
encrypted with AES-256-GCM under the app's data keys in the app's format,
`enc:v1:<key id>:<base64url(nonce + ciphertext + tag)>`, with the associated data `events.data`
(`passage.core.field_crypto`; `casework.transcripts` reads it back with the same keys). The other
columns stay plain because retention, erasure and Rasa's own queries select by them: the
conversation id, the event type, the timestamp, the intent name and `action_name` (an action,
form or slot name: codes, never text).

The app package cannot be imported here (Python 3.10, Rasa's pins), so the format is written
again below; `tests/bot/test_encrypted_tracker_store.py` checks both sides read each other.
Keys come as the app reads them: `PASSAGE_DATA_KEYS`, else the key file named by
`PASSAGE_DATA_KEY_FILE` (`passage run` sets both). The first key encrypts; every key decrypts.
Rows written before this store (plain JSON) are read as they are and age out with retention.
"""

import asyncio
import base64
import binascii
import logging
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from rasa.core.tracker_store import SQLTrackerStore, _create_sequence
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import DBAPIError, DisconnectionError, DontWrapMixin, OperationalError
from sqlalchemy.ext.declarative import declarative_base

logger = logging.getLogger(__name__)

PREFIX = "enc:v1:"
DATA_LABEL = "events.data"  # "<table>.<column>", as the app's encrypted columns are labelled
KEYS_VARIABLE = "PASSAGE_DATA_KEYS"
KEY_FILE_VARIABLE = "PASSAGE_DATA_KEY_FILE"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_KEY_TEXT = re.compile(r"[A-Za-z0-9_-]{43}=?")
# How long a read or write waits for the database to come back (a restart, a failover): about
# 10 s, within the conversation lock's 20 s. Rasa's own handling of a failure is worse than
# waiting: a read that fails starts the conversation afresh (no open question, no case), and a
# write that fails keeps the turn in that replica's memory only.
_RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 2.0, 2.0, 2.0)
_Result = TypeVar("_Result")


class TrackerCryptoError(DontWrapMixin, Exception):
    """Events cannot be encrypted or decrypted. Messages name key ids, never values;
    DontWrapMixin keeps SQLAlchemy from wrapping it in an error that lists the statement's
    parameters (the plaintext among them). Not an ImportError: Rasa would swallow that and
    fall back to keeping conversations in memory."""


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*=*", text):
        raise binascii.Error("not base64url")
    bare = text.rstrip("=")
    return base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))


class Keyring:
    """The data keys by id, the first current; the same format as passage.core.field_crypto."""

    def __init__(self, keys: list[tuple[str, bytes]], source: str) -> None:
        if not keys:
            raise TrackerCryptoError(f"{source} holds no key.")
        self._ciphers: dict[str, AESGCM] = {}
        for key_id, key in keys:
            if key_id in self._ciphers:
                raise TrackerCryptoError(f"{source} names key id {key_id!r} twice.")
            self._ciphers[key_id] = AESGCM(key)
        self.source = source
        self.key_ids = tuple(self._ciphers)
        self.current_key_id = self.key_ids[0]

    def __repr__(self) -> str:
        return f"Keyring({', '.join(self.key_ids)}; from {self.source})"

    def encrypt(self, label: str, plaintext: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[self.current_key_id].encrypt(
            nonce, plaintext.encode("utf-8"), label.encode("utf-8")
        )
        return f"{PREFIX}{self.current_key_id}:{_b64encode(nonce + sealed)}"

    def decrypt(self, label: str, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # written before the tracker store encrypted
        key_id, colon, payload = stored[len(PREFIX) :].partition(":")
        if not colon or not _KEY_ID.fullmatch(key_id):
            raise TrackerCryptoError(f"Cannot decrypt {label}: the value is not well-formed.")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise TrackerCryptoError(
                f"Cannot decrypt {label} (key id {key_id!r}): no key with this id is configured."
            )
        try:
            raw = _b64decode(payload)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) < _NONCE_BYTES + _TAG_BYTES:
            raise TrackerCryptoError(
                f"Cannot decrypt {label} (key id {key_id!r}): the value is not well-formed."
            )
        try:
            plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], label.encode("utf-8"))
        except InvalidTag:
            raise TrackerCryptoError(
                f"Cannot decrypt {label} (key id {key_id!r}): the value was altered or belongs "
                "to another column."
            ) from None
        return plain.decode("utf-8")


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
        if not _KEY_ID.fullmatch(key_id) or not _KEY_TEXT.fullmatch(key_text):
            # Never quote the entry: it holds key material.
            raise TrackerCryptoError(f"{source}: entry {number} is not key_id:base64url-32-bytes.")
        keys.append((key_id, _b64decode(key_text)))
    return Keyring(keys, source)


def keyring_from_environment(environ: Mapping[str, str] | None = None) -> Keyring:
    """The keys of PASSAGE_DATA_KEYS, else of the key file PASSAGE_DATA_KEY_FILE names (the
    app makes that file; this never does, so two makers cannot race)."""
    env = os.environ if environ is None else environ
    configured = env.get(KEYS_VARIABLE, "")
    if configured.strip():
        return parse_keys(configured, KEYS_VARIABLE)
    key_file = env.get(KEY_FILE_VARIABLE, "")
    if not key_file:
        raise TrackerCryptoError(
            f"The tracker store needs the data keys: set {KEYS_VARIABLE} or {KEY_FILE_VARIABLE} "
            "(`passage run` sets them)."
        )
    path = Path(key_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TrackerCryptoError(f"Cannot read the key file {path}: {error.strerror}.") from None
    return parse_keys(text, f"key file {path}")


class _Keys:
    """The keyring of this process, set when the tracker store is made."""

    keyring: Keyring | None = None

    @classmethod
    def current(cls) -> Keyring:
        if cls.keyring is None:
            raise TrackerCryptoError("No data keys were loaded (the tracker store loads them).")
        return cls.keyring


class EncryptedEventData(sa.types.TypeDecorator):
    """The event's JSON text, encrypted on the way in and decrypted on the way out."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return _Keys.current().encrypt(DATA_LABEL, value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return _Keys.current().decrypt(DATA_LABEL, value)


class EncryptedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose `events.data` is encrypted; takes the same endpoint settings
    (dialect, db, host, port, username, password, login_db, query), so it serves SQLite and
    PostgreSQL alike. Rasa's save, retrieve and counting code runs unchanged on the mapped
    class below, whose only difference is the type of `data`."""

    Base: Any = declarative_base()

    class SQLEvent(Base):  # type: ignore[valid-type,misc]
        __tablename__ = "events"

        id = sa.Column(sa.Integer, _create_sequence(__tablename__), primary_key=True)
        sender_id = sa.Column(sa.String(255), nullable=False, index=True)
        type_name = sa.Column(sa.String(255), nullable=False)
        timestamp = sa.Column(sa.Float)
        intent_name = sa.Column(sa.String(255))
        action_name = sa.Column(sa.String(255))
        data = sa.Column(EncryptedEventData)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _Keys.keyring = keyring_from_environment()
        logger.info(
            "Tracker events are encrypted under key id %s (%d key(s) from %s).",
            _Keys.keyring.current_key_id,
            len(_Keys.keyring.key_ids),
            _Keys.keyring.source,
        )
        super().__init__(*args, **kwargs)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        parent = super()._retrieve
        return await _patiently(lambda: parent(sender_id, fetch_events_from_all_sessions))

    async def save(self, tracker: DialogueStateTracker) -> None:
        # Safe to run again: Rasa's save() adds only the events the table does not hold yet.
        # (It also streams them to an event broker, which Passage does not configure.)
        parent = super().save
        await _patiently(lambda: parent(tracker))


def _connection_lost(error: Exception) -> bool:
    if isinstance(error, (OperationalError, DisconnectionError)):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


async def _patiently(attempt: Callable[[], Awaitable[_Result]]) -> _Result:
    """The attempt, made again while the database cannot be reached, for a while."""
    for delay in _RETRY_DELAYS:
        try:
            return await attempt()
        except Exception as error:  # the ones to wait out are picked below
            if not _connection_lost(error):
                raise
            # The type only: SQLAlchemy's message quotes the statement's parameters.
            logger.warning(
                "The tracker store lost the database (%s); trying again in %.2f s.",
                type(error).__name__,
                delay,
            )
            await asyncio.sleep(delay)
    return await attempt()
