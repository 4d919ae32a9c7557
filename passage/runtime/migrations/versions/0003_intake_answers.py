"""intake answers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passage.core.timestamps

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intake_answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("value", sa.String(512), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("answered_at", passage.core.timestamps.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("case_id", "question_id"),
    )
    op.create_index("ix_intake_answer_case_id", "intake_answer", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_intake_answer_case_id", table_name="intake_answer")
    op.drop_table("intake_answer")
