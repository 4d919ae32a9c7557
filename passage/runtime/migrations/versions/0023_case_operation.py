"""cases under an operation: the plan a case was opened under, for the operation's board

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("operation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_case_operation_id_operation_plan", "operation_plan", ["operation_id"], ["id"]
        )
        batch.create_index("ix_case_operation_id", ["operation_id"])


def downgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.drop_index("ix_case_operation_id")
        batch.drop_constraint("fk_case_operation_id_operation_plan", type_="foreignkey")
        batch.drop_column("operation_id")
