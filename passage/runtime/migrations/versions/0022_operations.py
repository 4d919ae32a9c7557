"""operation plans (details encrypted) and the capacity requests sent to providers before one

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.timestamps import UTCDateTime

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operation_plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("officer_account_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(64), nullable=True),
        sa.Column("region", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("released_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_operation_plan_code", "operation_plan", ["code"], unique=True)
    op.create_index(
        "ix_operation_plan_officer_account_id", "operation_plan", ["officer_account_id"]
    )
    op.create_table(
        "capacity_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("operation_id", sa.Integer(), sa.ForeignKey("operation_plan.id"), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("need_id", sa.String(64), nullable=False),
        sa.Column("for_minors", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("service_at_location_id", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("provider_language", sa.String(16), nullable=False),
        sa.Column("places_wanted", sa.Integer(), nullable=False),
        sa.Column("places_held", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_capacity_request_code", "capacity_request", ["code"], unique=True)
    op.create_index("ix_capacity_request_operation_id", "capacity_request", ["operation_id"])
    op.create_index("ix_capacity_request_state", "capacity_request", ["state"])


def downgrade() -> None:
    op.drop_index("ix_capacity_request_state", table_name="capacity_request")
    op.drop_index("ix_capacity_request_operation_id", table_name="capacity_request")
    op.drop_index("ix_capacity_request_code", table_name="capacity_request")
    op.drop_table("capacity_request")
    op.drop_index("ix_operation_plan_officer_account_id", table_name="operation_plan")
    op.drop_index("ix_operation_plan_code", table_name="operation_plan")
    op.drop_table("operation_plan")
