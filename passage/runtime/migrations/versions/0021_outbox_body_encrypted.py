"""outbox message bodies encrypted at rest (a partner push carries the officer's note)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.field_crypto import PREFIX, Keyring, current_keyring

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LABEL = "outbox_message.body"
_PAGE = 500


def _rewrite(change: Callable[[Keyring, str], str]) -> None:
    """Pass every body through `change`, page by page; the keyring is loaded at the first row,
    so an empty outbox is migrated without keys."""
    stored = sa.table("outbox_message", sa.column("id", sa.Integer()), sa.column("body", sa.Text()))
    keyring: Keyring | None = None
    last = 0
    while True:
        rows = (
            op.get_bind()
            .execute(
                sa.select(stored.c.id, stored.c.body)
                .where(stored.c.id > last)
                .order_by(stored.c.id)
                .limit(_PAGE)
            )
            .all()
        )
        if not rows:
            return
        keyring = keyring or current_keyring()
        for key, body in rows:
            changed = change(keyring, body)
            if changed != body:
                op.get_bind().execute(
                    sa.update(stored).where(stored.c.id == key).values(body=changed)
                )
        last = rows[-1][0]


def upgrade() -> None:
    # Reading accepts plaintext too, so a row written by an older process during the upgrade
    # still sends; `passage keys reencrypt` encrypts it.
    _rewrite(
        lambda keyring, body: body if body.startswith(PREFIX) else keyring.encrypt(_LABEL, body)
    )


def downgrade() -> None:
    _rewrite(lambda keyring, body: keyring.decrypt(_LABEL, body))
