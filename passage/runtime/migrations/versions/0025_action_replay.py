"""action replays: each custom action's answer to an officer message, kept minutes, so that a
message sent again after a Rasa replica died is applied once

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.timestamps import UTCDateTime

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_replay",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(128), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),  # encrypted JSON
        sa.Column("replayed", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_action_replay_created_at", "action_replay", ["created_at"])
    op.create_index("ix_action_replay_message", "action_replay", ["conversation_id", "message_id"])


def downgrade() -> None:
    op.drop_index("ix_action_replay_message", table_name="action_replay")
    op.drop_index("ix_action_replay_created_at", table_name="action_replay")
    op.drop_table("action_replay")
