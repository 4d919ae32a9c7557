"""intake answers on cases, consent receipts, assessed needs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passage.core.timestamps

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INTAKE_COLUMNS = (
    ("urgent_medical", 16),
    ("private_space", 16),
    ("person_language", 16),
    ("interpreter_present", 16),
    ("appears_under_18", 16),
    ("guardian_may_be_involved", 16),
    ("gender", 16),
    ("has_children", 16),
    ("area", 64),
    ("exploitation_form", 24),
)


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        for name, length in _INTAKE_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))
    op.create_table(
        "consent_receipt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("scope", sa.String(24), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("script_id", sa.String(64), nullable=False),
        sa.Column("script_version", sa.String(16), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("delivery", sa.String(24), nullable=False),
        sa.Column("consenter", sa.String(24), nullable=False),
        sa.Column("representative_role", sa.String(32), nullable=True),
        sa.Column("child_assent", sa.Boolean(), nullable=True),
        sa.Column("comprehension_confirmed", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", passage.core.timestamps.UTCDateTime(), nullable=False),
        sa.Column("expires_at", passage.core.timestamps.UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", passage.core.timestamps.UTCDateTime(), nullable=True),
    )
    op.create_index("ix_consent_receipt_case_id", "consent_receipt", ["case_id"])
    op.create_table(
        "assessed_need",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("need_id", sa.String(64), nullable=False),
        sa.Column("answer", sa.String(16), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", passage.core.timestamps.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("case_id", "need_id"),
    )
    op.create_index("ix_assessed_need_case_id", "assessed_need", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_assessed_need_case_id", table_name="assessed_need")
    op.drop_table("assessed_need")
    op.drop_index("ix_consent_receipt_case_id", table_name="consent_receipt")
    op.drop_table("consent_receipt")
    with op.batch_alter_table("case") as batch:
        for name, _length in reversed(_INTAKE_COLUMNS):
            batch.drop_column(name)
