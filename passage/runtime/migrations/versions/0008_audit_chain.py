"""audit entries sealed into a hash chain

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows written before this revision are sealed by the worker like new ones.
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("entry_hash", sa.String(64), nullable=True))
        batch.create_index("ix_audit_entry_entry_hash", ["entry_hash"])


def downgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_index("ix_audit_entry_entry_hash")
        batch.drop_column("entry_hash")
