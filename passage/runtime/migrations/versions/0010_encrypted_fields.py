"""identifying fields encrypted at rest: free text, the confidential shelter addresses, the
push and TOTP secrets (passage.core.field_crypto)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from passage.core.field_crypto import PREFIX, Keyring, current_keyring

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Columns whose type becomes Text: table, its one-column key, column, type before, nullable.
# SQLite changes a type only by copying the table, and cannot drop a table other tables
# reference while foreign keys are on: `case` and `referral` keep their table and get a new
# column instead (add, copy, drop the old, rename), which only works for nullable columns.
_RETYPED: tuple[tuple[str, str, str, sa.types.TypeEngine[Any], bool], ...] = (
    ("case", "id", "area", sa.String(64), True),
    ("referral", "id", "status_text", sa.String(500), True),
    ("intake_answer", "id", "value", sa.String(512), False),
    ("partner_push_secret", "organization_id", "secret", sa.String(128), False),
    ("x_confidential_address", "location_id", "address", sa.JSON(), False),
)
# Already Text; only its values are encrypted.
_TEXT = (("staff_account", "id", "totp_secret"),)
_REFERENCED = {"case", "referral"}
_PAGE = 500
Change = Callable[[Keyring, str, str], str]  # (keyring, label, stored value) -> new value


def _rewrite(table: str, key: str, source: str, target: str, change: Change) -> None:
    """Set `target` to `change` of every non-NULL `source`, page by page in key order. The
    keyring is loaded at the first value, so an empty database is migrated without keys."""
    stored = sa.table(table, sa.column(key), sa.column(source, sa.Text()), sa.column(target))
    by_key, value = stored.c[key], stored.c[source]
    label = f"{table}.{source}"
    keyring: Keyring | None = None
    last = None
    while True:
        query = sa.select(by_key, value).where(value.is_not(None)).order_by(by_key).limit(_PAGE)
        rows = op.get_bind().execute(query if last is None else query.where(by_key > last)).all()
        if not rows:
            return
        keyring = keyring or current_keyring()
        for key_value, raw in rows:
            changed = change(keyring, label, raw)
            if changed != raw or source != target:
                op.get_bind().execute(
                    sa.update(stored).where(by_key == key_value).values({target: changed})
                )
        last = rows[-1][0]


def _retype(
    table: str,
    key: str,
    column: str,
    types: tuple[sa.types.TypeEngine[Any], sa.types.TypeEngine[Any]],
    nullable: bool,
    change: Change,
) -> None:
    """Change the column's type from `types[0]` to `types[1]`, passing each value through
    `change`."""
    old, new = types
    if table in _REFERENCED:
        op.add_column(table, sa.Column(f"{column}_0010", new, nullable=True))
        _rewrite(table, key, column, f"{column}_0010", change)
        op.drop_column(table, column)
        op.alter_column(table, f"{column}_0010", new_column_name=column)
        return
    if isinstance(new, sa.Text):  # upgrade: make room for the ciphertext, then encrypt
        _alter(table, column, old, new, nullable)
        _rewrite(table, key, column, column, change)
    else:  # downgrade: decrypt, then back to the old type
        _rewrite(table, key, column, column, change)
        _alter(table, column, old, new, nullable)


def _alter(
    table: str,
    column: str,
    old: sa.types.TypeEngine[Any],
    new: sa.types.TypeEngine[Any],
    nullable: bool,
) -> None:
    cast = "json" if isinstance(new, sa.JSON) else "text"
    with op.batch_alter_table(table) as batch:
        batch.alter_column(
            column,
            type_=new,
            existing_type=old,
            existing_nullable=nullable,
            postgresql_using=f"{column}::{cast}",
        )


def _encrypt(keyring: Keyring, label: str, raw: str) -> str:
    # A value with the prefix was written by the new code already (reading treats the prefix
    # the same way).
    return raw if raw.startswith(PREFIX) else keyring.encrypt(label, raw)


def _decrypt(keyring: Keyring, label: str, raw: str) -> str:
    return keyring.decrypt(label, raw)


def upgrade() -> None:
    # Existing rows are encrypted here, in the migration's transaction, so no plaintext is
    # left after the upgrade. Should a row escape (say, written by an older process during the
    # upgrade), reading still accepts plaintext and `passage keys reencrypt` encrypts it.
    for table, key, column, before, nullable in _RETYPED:
        _retype(table, key, column, (before, sa.Text()), nullable, _encrypt)
    for table, key, column in _TEXT:
        _rewrite(table, key, column, column, _encrypt)


def downgrade() -> None:
    # Needs the keys the values were written under: without them the downgrade stops here.
    for table, key, column in _TEXT:
        _rewrite(table, key, column, column, _decrypt)
    for table, key, column, before, nullable in _RETYPED:
        _retype(table, key, column, (sa.Text(), before), nullable, _decrypt)
