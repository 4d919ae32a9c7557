"""consent per service category: a referrals receipt names the kinds of service it covers

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Receipts written before this revision keep NULL: their consent to referrals covered
    # every kind of service, which is what NULL means.
    with op.batch_alter_table("consent_receipt") as batch:
        batch.add_column(sa.Column("categories", sa.String(400), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consent_receipt") as batch:
        batch.drop_column("categories")
