"""account roles, chat identities enrolled by one-time codes, case owners, audit source and
purpose

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.timestamps import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_account") as batch:
        batch.add_column(sa.Column("unit", sa.String(64), nullable=True))
        batch.add_column(sa.Column("region", sa.String(64), nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.Text(), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    # Cases opened before this revision have no owner and are seen by no officer.
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("officer_account_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("unit", sa.String(64), nullable=True))
        batch.add_column(sa.Column("region", sa.String(64), nullable=True))
        batch.create_index("ix_case_officer_account_id", ["officer_account_id"])
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("source", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("purpose", sa.String(64), nullable=False, server_default=""))
    op.create_table(
        "chat_identity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("staff_account.id"), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender_sha256", sa.String(64), nullable=False),
        sa.Column("enrolled_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("channel", "sender_sha256"),
    )
    op.create_index("ix_chat_identity_account_id", "chat_identity", ["account_id"])
    op.create_table(
        "enrolment_code",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("staff_account.id"), nullable=False),
        sa.Column("code_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("issued_by", sa.String(80), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "enrolment_failure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender_sha256", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_enrolment_failure_at", "enrolment_failure", ["at"])
    op.create_index(
        "ix_enrolment_failure_sender", "enrolment_failure", ["channel", "sender_sha256"]
    )


def downgrade() -> None:
    op.drop_table("enrolment_failure")
    op.drop_table("enrolment_code")
    op.drop_table("chat_identity")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("purpose")
        batch.drop_column("source")
    with op.batch_alter_table("case") as batch:
        batch.drop_index("ix_case_officer_account_id")
        batch.drop_column("region")
        batch.drop_column("unit")
        batch.drop_column("officer_account_id")
    with op.batch_alter_table("staff_account") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_secret")
        batch.drop_column("region")
        batch.drop_column("unit")
