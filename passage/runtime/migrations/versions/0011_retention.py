"""retention: case closing and legal hold, anonymous case statistics, the last retention run

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.timestamps import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Cases closed before this revision have no closing time, so retention never reduces them
    # until someone closes them again with `passage cases close`.
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("legal_hold_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("legal_hold_reason", sa.String(24), nullable=True))
    op.create_table(
        "case_statistic",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("opened_month", sa.String(7), nullable=False),
        sa.Column("closed_month", sa.String(7), nullable=False),
        sa.Column("exploitation_form", sa.String(24), nullable=True),
        sa.Column("presumed_child", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "case_statistic_referral",
        sa.Column(
            "statistic_id",
            sa.Integer(),
            sa.ForeignKey("case_statistic.id"),
            primary_key=True,
        ),
        sa.Column("category", sa.String(32), primary_key=True),
        sa.Column("final_status", sa.String(16), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "retention_run",
        sa.Column("job", sa.String(32), primary_key=True),
        sa.Column("last_run_at", UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("retention_run")
    op.drop_table("case_statistic_referral")
    op.drop_table("case_statistic")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("legal_hold_reason")
        batch.drop_column("legal_hold_at")
        batch.drop_column("closed_at")
