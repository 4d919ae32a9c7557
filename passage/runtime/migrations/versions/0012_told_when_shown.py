"""told when shown: referral news remembers being pushed; a referral remembers the account that
sent it (its news reaches that officer on any of their chats); the web chat's tabs per browser,
which a quick exit forgets together

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.timestamps import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referral_event") as batch:
        batch.add_column(sa.Column("pushed_at", UTCDateTime(timezone=True), nullable=True))
    # Referrals sent before this revision keep only their conversation: their news reaches
    # that conversation, as before.
    with op.batch_alter_table("referral") as batch:
        batch.add_column(sa.Column("officer_account_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_referral_officer_account", "staff_account", ["officer_account_id"], ["id"]
        )
    op.create_table(
        "web_chat_tab",
        sa.Column("conversation", sa.String(64), primary_key=True),
        sa.Column("browser_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_chat_tab_browser_sha256", "web_chat_tab", ["browser_sha256"])


def downgrade() -> None:
    op.drop_index("ix_web_chat_tab_browser_sha256", table_name="web_chat_tab")
    op.drop_table("web_chat_tab")
    with op.batch_alter_table("referral") as batch:
        batch.drop_constraint("fk_referral_officer_account", type_="foreignkey")
        batch.drop_column("officer_account_id")
    with op.batch_alter_table("referral_event") as batch:
        batch.drop_column("pushed_at")
