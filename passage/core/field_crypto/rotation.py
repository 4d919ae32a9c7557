"""Which values sit under which key, and moving them all to the current key.

Works on the raw column text (no decryption on read), found by looking for the encrypted column
types in the table metadata, so a column encrypted later is covered without a change here.
"""

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Text, column, select, table, update

from passage.core.field_crypto.keyring import Keyring
from passage.core.field_crypto.types import EncryptedJSON, EncryptedText

PLAINTEXT = "plaintext"


@dataclass(frozen=True)
class EncryptedColumn:
    table: str
    key: str  # the single-column primary key, to page through rows and update them
    column: str
    label: str  # the associated data the type encrypts with

    def raw(self) -> tuple[Any, Any, Any]:
        """Table and columns without the decrypting type: the stored text as it is."""
        stored = table(self.table, column(self.key), column(self.column, Text))
        return stored, stored.c[self.key], stored.c[self.column]


def encrypted_columns(*metadatas: MetaData) -> list[EncryptedColumn]:
    found = []
    for metadata in metadatas:
        for each in metadata.sorted_tables:
            for col in each.columns:
                if isinstance(col.type, EncryptedText | EncryptedJSON):
                    keys = list(each.primary_key.columns)
                    if len(keys) != 1:
                        raise ValueError(f"{each.name}: encrypted columns need a one-column key")
                    found.append(EncryptedColumn(each.name, keys[0].name, col.name, col.type.label))
    return found


def _pages(
    engine: Engine, where: EncryptedColumn, batch_size: int
) -> Iterator[tuple[Connection, Sequence[Any]]]:
    """Rows with a value, in key order, one transaction per page: a long run neither holds
    SQLite's write lock for long nor starts over when interrupted."""
    _table, key, value = where.raw()
    last = None
    while True:
        query = select(key, value).where(value.is_not(None)).order_by(key).limit(batch_size)
        if last is not None:
            query = query.where(key > last)
        with engine.begin() as connection:
            rows = connection.execute(query).all()
            if not rows:
                return
            yield connection, rows
        last = rows[-1][0]


def census(engine: Engine, columns: Sequence[EncryptedColumn]) -> dict[str, Counter[str]]:
    """For each column label: how many values under each key id, or still plaintext."""
    counts: dict[str, Counter[str]] = {}
    for where in columns:
        tally: Counter[str] = Counter()
        for _connection, rows in _pages(engine, where, 1000):
            tally.update(Keyring.key_id_of(raw) or PLAINTEXT for _key, raw in rows)
        counts[where.label] = tally
    return counts


def reencrypt(
    engine: Engine,
    columns: Sequence[EncryptedColumn],
    keyring: Keyring,
    *,
    batch_size: int = 500,
    progress: Callable[[str], None] = lambda _line: None,
) -> int:
    """Rewrite every value not under the current key (older keys, plaintext); returns how many.

    Idempotent, one transaction per page. The update names the stored text it replaces, so a
    value the application changed meanwhile is not overwritten with the old one; a process
    still running with an older key list may write under an older key, which `census` shows.
    """
    changed = 0
    for where in columns:
        stored, key, value = where.raw()
        seen = moved = 0
        for connection, rows in _pages(engine, where, batch_size):
            for key_value, raw in rows:
                if keyring.key_id_of(raw) == keyring.current_key_id:
                    continue
                fresh = keyring.encrypt(where.label, keyring.decrypt(where.label, raw))
                result = connection.execute(
                    update(stored).where(key == key_value, value == raw).values({value: fresh})
                )
                moved += result.rowcount
            seen += len(rows)
            progress(f"{where.label}: {seen} values checked, {moved} re-encrypted")
        changed += moved
    return changed
