"""the officer's note to the provider (encrypted): a draft on the provider chosen for a need,
and the note the referral carries

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("provider_choice") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    with op.batch_alter_table("referral") as batch:
        batch.add_column(sa.Column("officer_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referral") as batch:
        batch.drop_column("officer_note")
    with op.batch_alter_table("provider_choice") as batch:
        batch.drop_column("note")
