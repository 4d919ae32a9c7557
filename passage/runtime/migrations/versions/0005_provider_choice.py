"""provider chosen per need

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passage.core.timestamps

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "provider_choice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("need_id", sa.String(64), nullable=False),
        sa.Column("service_at_location_id", sa.String(64), nullable=False),
        sa.Column("chosen_at", passage.core.timestamps.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "need_id"),
    )
    op.create_index("ix_provider_choice_case_id", "provider_choice", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_provider_choice_case_id", table_name="provider_choice")
    op.drop_table("provider_choice")
