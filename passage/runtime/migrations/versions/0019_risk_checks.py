"""risk checks: codes of the risk found at intake, on resuming and before police sharing

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.timestamps import UTCDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_check",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("checked_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("codes", sa.String(128), nullable=False),
        sa.Column("occasion", sa.String(16), nullable=False),
    )
    op.create_index("ix_risk_check_case_id", "risk_check", ["case_id"])
    with op.batch_alter_table("case") as batch:
        batch.add_column(
            sa.Column("risk_recheck_asked_at", UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.drop_column("risk_recheck_asked_at")
    op.drop_index("ix_risk_check_case_id", table_name="risk_check")
    op.drop_table("risk_check")
