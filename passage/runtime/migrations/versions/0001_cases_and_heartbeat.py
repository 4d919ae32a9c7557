"""cases and worker heartbeat

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passage.core.timestamps

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(9), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("opened_at", passage.core.timestamps.UTCDateTime(), nullable=False),
        sa.Column("last_resumed_at", passage.core.timestamps.UTCDateTime(), nullable=True),
        sa.Column("resume_count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_case_reference", "case", ["reference"], unique=True)
    op.create_table(
        "worker_heartbeat",
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("beat_at", passage.core.timestamps.UTCDateTime(), nullable=False),
        sa.Column("ticks", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("worker_heartbeat")
    op.drop_index("ix_case_reference", table_name="case")
    op.drop_table("case")
