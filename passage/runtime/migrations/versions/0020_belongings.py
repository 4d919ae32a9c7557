"""belongings held by the police: receipts with kinds as codes, and when they were returned

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.timestamps import UTCDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "belongings_receipt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("code", sa.String(16), nullable=True),
        sa.Column("kinds", sa.String(128), nullable=False),
        sa.Column("held_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_belongings_receipt_case_id", "belongings_receipt", ["case_id"])
    op.create_index("ix_belongings_receipt_code", "belongings_receipt", ["code"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_belongings_receipt_code", table_name="belongings_receipt")
    op.drop_index("ix_belongings_receipt_case_id", table_name="belongings_receipt")
    op.drop_table("belongings_receipt")
