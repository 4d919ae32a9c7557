"""organization types (police, public service, NGO, international) and the reflection period

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from passage.core.timestamps import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFLECTION_TIMES = (
    "reflection_until",
    "reflection_reminder_queued_at",
    "reflection_reminder_told_at",
)


def upgrade() -> None:
    # Organizations imported before this revision have no type: not police (casework.roles).
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("x_organization_type", sa.String(16), nullable=True))
    with op.batch_alter_table("case") as batch:
        for name in _REFLECTION_TIMES:
            batch.add_column(sa.Column(name, UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reflection_conversation", sa.String(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.drop_column("reflection_conversation")
        for name in reversed(_REFLECTION_TIMES):
            batch.drop_column(name)
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("x_organization_type")
