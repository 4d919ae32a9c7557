"""The chat transcripts Rasa keeps: its SQL tracker store's `events` table, read and pruned here.

Rasa is not importable in the app's environment, so the table is declared again with the
columns we use (rasa.core.tracker_store.SQLTrackerStore.SQLEvent). A conversation is every event
of one sender id; it is linked to a case by the `case_reference` slot the case actions set, or
by being the conversation a referral reports to (Referral.officer_conversation).

Rasa's tracker store is ours (bot/encrypted_tracker_store.py): each event's `data` is encrypted
with the app's data keys under the label `events.data`; rows written before it are plain JSON
and read as they are. The columns selected on here (sender id, type, timestamp, `action_name`,
which holds a slot event's slot name) stay plain.
"""

import json
from collections import Counter
from collections.abc import Collection, Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from casework.models import Case
from casework.references import InvalidReference, normalize_reference
from casework.referral_models import Referral
from passage.core.field_crypto import Keyring, current_keyring
from passage.core.field_crypto.rotation import EncryptedColumn, census, reencrypt

CASE_SLOT = "case_reference"
EVENT_DATA_LABEL = "events.data"  # the associated data bot/encrypted_tracker_store.py binds
EVENT_DATA = EncryptedColumn("events", "id", "data", EVENT_DATA_LABEL)
_BATCH = 500  # sender ids per statement: SQLite allows a limited number of bound parameters

_metadata = MetaData()
EVENTS = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def _batches(items: Collection[str]) -> Iterator[list[str]]:
    ordered = sorted(items)
    for start in range(0, len(ordered), _BATCH):
        yield ordered[start : start + _BATCH]


def _slot_reference(data: str | None) -> str | None:
    """The case reference a slot event sets, in canonical form; None for any other event."""
    try:
        event = json.loads(current_keyring().decrypt(EVENT_DATA_LABEL, data or ""))
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("name") != CASE_SLOT:
        return None
    value = event.get("value")
    if not isinstance(value, str):
        return None
    try:
        # The slot may have been filled from what the officer typed, not only by our actions.
        return normalize_reference(value)
    except InvalidReference:
        return None


def _app_driver(url: URL) -> URL:
    """The same database through the app's PostgreSQL driver (psycopg 3): a tracker URL is
    written for Rasa, whose SQLAlchemy 1.4 takes `postgresql://` as psycopg2."""
    if url.get_backend_name() == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    return url


class TranscriptStore:
    """The tracker database of one deployment: a SQLite file (a Path), or any SQLAlchemy URL
    (the scaled profile's PostgreSQL). A missing file, or a database where Rasa has not made
    its table yet, holds no transcripts."""

    def __init__(self, location: Path | str) -> None:
        self._path = location if isinstance(location, Path) else None
        self._url = _app_driver(make_url(location)) if isinstance(location, str) else None
        if self._url is not None and self._url.get_backend_name() == "sqlite":
            self._path, self._url = Path(self._url.database or ""), None
        self._engine: Engine | None = None

    def _connect(self) -> Engine | None:
        if self._engine is None:
            if self._path is not None:
                if not self._path.is_file():
                    return None
                # Rasa writes to the same file: wait for its lock rather than fail.
                self._engine = create_engine(
                    f"sqlite:///{self._path}", connect_args={"timeout": 15}
                )
            elif self._url is not None:
                engine = create_engine(self._url, pool_pre_ping=True)
                if not inspect(engine).has_table(EVENTS.name):
                    engine.dispose()
                    return None
                self._engine = engine
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def idle_since(self, cutoff: datetime) -> set[str]:
        """Conversations whose newest event is older than `cutoff`."""
        engine = self._connect()
        if engine is None:
            return set()
        newest = func.max(EVENTS.c.timestamp)
        query = (
            select(EVENTS.c.sender_id)
            .group_by(EVENTS.c.sender_id)
            .having(newest < cutoff.timestamp())
        )
        with engine.connect() as connection:
            return set(connection.scalars(query))

    def naming(self, references: Collection[str]) -> set[str]:
        """Conversations that were ever on one of these cases (by the case_reference slot)."""
        engine = self._connect()
        if engine is None or not references:
            return set()
        wanted = set(references)
        query = select(EVENTS.c.sender_id, EVENTS.c.data).where(
            # The data is ciphertext; Rasa writes the slot's name to action_name as well.
            EVENTS.c.type_name == "slot",
            EVENTS.c.action_name == CASE_SLOT,
        )
        with engine.connect() as connection:
            rows = connection.execute(query).all()
            return {sender for sender, data in rows if _slot_reference(data) in wanted}

    def delete(self, sender_ids: Collection[str]) -> int:
        """Deletes every event of these conversations; returns how many had any."""
        engine = self._connect()
        if engine is None or not sender_ids:
            return 0
        deleted = 0
        with engine.begin() as connection:
            for batch in _batches(sender_ids):
                present = connection.scalars(
                    select(EVENTS.c.sender_id).where(EVENTS.c.sender_id.in_(batch)).distinct()
                ).all()
                connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(batch)))
                deleted += len(present)
        return deleted

    def key_census(self) -> Counter[str]:
        """How many events are under each key id, or still plaintext (`passage keys status`)."""
        engine = self._connect()
        if engine is None:
            return Counter()
        return census(engine, [EVENT_DATA])[EVENT_DATA_LABEL]

    def reencrypt(self, keyring: Keyring, batch_size: int = 500) -> int:
        """Moves every event not under the current key to it (`passage keys reencrypt`)."""
        engine = self._connect()
        if engine is None:
            return 0
        return reencrypt(engine, [EVENT_DATA], keyring, batch_size=batch_size)


def case_conversations(
    session: Session, store: TranscriptStore, cases: Collection[Case]
) -> set[str]:
    """Every conversation linked to one of these cases, by its slot or by its referrals."""
    if not cases:
        return set()
    reporting = session.scalars(
        select(Referral.officer_conversation)
        .where(Referral.case_id.in_([case.id for case in cases]))
        .distinct()
    )
    return store.naming({case.reference for case in cases}) | set(reporting)
