"""staff accounts, web sessions, API keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passage.core.timestamps

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column(
            "locked_until", passage.core.timestamps.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("created_at", passage.core.timestamps.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_staff_account_organization_id", "staff_account", ["organization_id"])
    op.create_index("ix_staff_account_username", "staff_account", ["username"], unique=True)
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("staff_account.id"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", passage.core.timestamps.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", passage.core.timestamps.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", passage.core.timestamps.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_web_session_account_id", "web_session", ["account_id"])
    op.create_index("ix_web_session_token_sha256", "web_session", ["token_sha256"], unique=True)
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("created_at", passage.core.timestamps.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", passage.core.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "last_used_at", passage.core.timestamps.UTCDateTime(timezone=True), nullable=True
        ),
    )
    op.create_index("ix_api_key_organization_id", "api_key", ["organization_id"])
    op.create_index("ix_api_key_prefix", "api_key", ["prefix"], unique=True)
    op.create_index("ix_api_key_key_sha256", "api_key", ["key_sha256"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_api_key_key_sha256", table_name="api_key")
    op.drop_index("ix_api_key_prefix", table_name="api_key")
    op.drop_index("ix_api_key_organization_id", table_name="api_key")
    op.drop_table("api_key")
    op.drop_index("ix_web_session_token_sha256", table_name="web_session")
    op.drop_index("ix_web_session_account_id", table_name="web_session")
    op.drop_table("web_session")
    op.drop_index("ix_staff_account_username", table_name="staff_account")
    op.drop_index("ix_staff_account_organization_id", table_name="staff_account")
    op.drop_table("staff_account")
