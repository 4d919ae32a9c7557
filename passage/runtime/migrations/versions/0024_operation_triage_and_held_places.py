"""group intake: when a case of an operation was triaged, and the held place a referral took

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.timestamps import UTCDateTime

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("triaged_at", UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("referral") as batch:
        batch.add_column(sa.Column("capacity_request_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_referral_capacity_request_id_capacity_request",
            "capacity_request",
            ["capacity_request_id"],
            ["id"],
        )
        batch.create_index("ix_referral_capacity_request_id", ["capacity_request_id"])


def downgrade() -> None:
    with op.batch_alter_table("referral") as batch:
        batch.drop_index("ix_referral_capacity_request_id")
        batch.drop_constraint(
            "fk_referral_capacity_request_id_capacity_request", type_="foreignkey"
        )
        batch.drop_column("capacity_request_id")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("triaged_at")
