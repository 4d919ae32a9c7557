"""referrals, their events, the outbox, inbound message ids, case flags, audit entries, push secrets

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passage.core.timestamps

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, passage.core.timestamps.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("code", sa.String(8), nullable=False, unique=True),
        sa.Column("service_at_location_id", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("provider_language", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.String(24), nullable=True),
        sa.Column("status_text", sa.String(500), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        _when("deadline_at"),
        sa.Column("officer_conversation", sa.String(128), nullable=False),
        sa.Column("officer_language", sa.String(16), nullable=False),
        sa.Column("cascade", sa.Boolean(), nullable=False),
        sa.Column("previous_id", sa.Integer(), sa.ForeignKey("referral.id"), nullable=True),
        sa.Column("link_token_sha256", sa.String(64), nullable=True, unique=True),
        _when("link_expires_at", nullable=True),
        _when("link_used_at", nullable=True),
    )
    op.create_index("ix_referral_case_id", "referral", ["case_id"])
    op.create_index("ix_referral_organization_id", "referral", ["organization_id"])
    op.create_index("ix_referral_status", "referral", ["status"])
    op.create_index("ix_referral_deadline_at", "referral", ["deadline_at"])
    op.create_table(
        "referral_need",
        sa.Column("referral_id", sa.Integer(), sa.ForeignKey("referral.id"), primary_key=True),
        sa.Column("need_id", sa.String(64), primary_key=True),
    )
    op.create_table(
        "referral_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("referral_id", sa.Integer(), sa.ForeignKey("referral.id"), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(24), nullable=True),
        sa.Column("actor", sa.String(80), nullable=False),
        _when("at"),
        sa.Column("follow_up", sa.String(16), nullable=True),
        sa.Column("follow_up_referral_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_service_at_location_id", sa.String(64), nullable=True),
        _when("told_at", nullable=True),
    )
    op.create_index("ix_referral_event_referral_id", "referral_event", ["referral_id"])
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("referral_id", sa.Integer(), sa.ForeignKey("referral.id"), nullable=True),
        sa.Column("referral_event_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("next_attempt_at"),
        _when("claimed_at", nullable=True),
        _when("sent_at", nullable=True),
        sa.Column("carrier_id", sa.String(64), nullable=True),
        sa.Column("delivery_status", sa.String(16), nullable=True),
        sa.Column("last_error", sa.String(64), nullable=True),
        _when("created_at"),
    )
    op.create_index("ix_outbox_message_state", "outbox_message", ["state"])
    op.create_index("ix_outbox_message_next_attempt_at", "outbox_message", ["next_attempt_at"])
    op.create_index("ix_outbox_message_carrier_id", "outbox_message", ["carrier_id"])
    op.create_table(
        "inbound_message",
        sa.Column("carrier_id", sa.String(64), primary_key=True),
        _when("received_at"),
    )
    op.create_table(
        "case_flag",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("need_id", sa.String(64), nullable=True),
        _when("raised_at"),
        _when("resolved_at", nullable=True),
    )
    op.create_index("ix_case_flag_case_id", "case_flag", ["case_id"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        _when("at"),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("detail", sa.String(256), nullable=False),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.create_index("ix_audit_entry_case_id", "audit_entry", ["case_id"])
    op.create_table(
        "partner_push_secret",
        sa.Column("organization_id", sa.String(64), primary_key=True),
        sa.Column("secret", sa.String(128), nullable=False),
        _when("created_at"),
    )


def downgrade() -> None:
    for table in (
        "partner_push_secret",
        "audit_entry",
        "case_flag",
        "inbound_message",
        "outbox_message",
        "referral_event",
        "referral_need",
        "referral",
    ):
        op.drop_table(table)
