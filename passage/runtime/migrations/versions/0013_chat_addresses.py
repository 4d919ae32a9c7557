"""chat addresses: where to answer officers on Telegram, WhatsApp and SMS (encrypted), and the
ids of the bot's Telegram messages, which /forget deletes

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.timestamps import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_address",
        sa.Column("conversation", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("last_inbound_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_step", sa.String(64), nullable=True),
        sa.Column("last_options", sa.JSON(), nullable=True),
        sa.Column("news_template_sent_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "chat_sent_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "conversation",
            sa.String(64),
            sa.ForeignKey("chat_address.conversation", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("message_id", sa.String(32), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chat_sent_message_conversation", "chat_sent_message", ["conversation"])


def downgrade() -> None:
    op.drop_index("ix_chat_sent_message_conversation", table_name="chat_sent_message")
    op.drop_table("chat_sent_message")
    op.drop_table("chat_address")
