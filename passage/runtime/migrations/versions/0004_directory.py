"""directory

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passage.core.timestamps

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "address",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("attention", sa.Text(), nullable=True),
        sa.Column("address_1", sa.Text(), nullable=False),
        sa.Column("address_2", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("state_province", sa.Text(), nullable=False),
        sa.Column("postal_code", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("address_type", sa.String(length=16), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("address", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_address_location_id"), ["location_id"], unique=False)

    op.create_table(
        "attribute",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("taxonomy_term_id", sa.String(length=64), nullable=False),
        sa.Column("link_type", sa.Text(), nullable=True),
        sa.Column("link_entity", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attribute", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attribute_link_id"), ["link_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attribute_taxonomy_term_id"), ["taxonomy_term_id"], unique=False
        )

    op.create_table(
        "contact",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=True),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("service_at_location_id", sa.String(length=64), nullable=True),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_location_id"), ["location_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contact_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_service_at_location_id"),
            ["service_at_location_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_contact_service_id"), ["service_id"], unique=False)

    op.create_table(
        "language",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("phone_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("code", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("language", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_language_location_id"), ["location_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_language_phone_id"), ["phone_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_language_service_id"), ["service_id"], unique=False)

    op.create_table(
        "location",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=True),
        sa.Column("location_type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("alternate_name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("transportation", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("x_tz", sa.String(length=64), nullable=True),
        sa.Column("x_confidential", sa.Boolean(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_location_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "organization",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alternate_name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("parent_organization_id", sa.String(length=64), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "phone",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("organization_id", sa.String(length=64), nullable=True),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("service_at_location_id", sa.String(length=64), nullable=True),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("extension", sa.Float(), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("phone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_phone_location_id"), ["location_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_phone_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_phone_service_at_location_id"), ["service_at_location_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_phone_service_id"), ["service_id"], unique=False)

    op.create_table(
        "schedule",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("service_at_location_id", sa.String(length=64), nullable=True),
        sa.Column("valid_from", sa.String(length=10), nullable=True),
        sa.Column("valid_to", sa.String(length=10), nullable=True),
        sa.Column("timezone", sa.Float(), nullable=True),
        sa.Column("freq", sa.String(length=8), nullable=True),
        sa.Column("byday", sa.String(length=64), nullable=True),
        sa.Column("opens_at", sa.String(length=16), nullable=True),
        sa.Column("closes_at", sa.String(length=16), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_location_id"), ["location_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_schedule_service_at_location_id"),
            ["service_at_location_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_schedule_service_id"), ["service_id"], unique=False)

    op.create_table(
        "service",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alternate_name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("interpretation_services", sa.Text(), nullable=True),
        sa.Column("application_process", sa.Text(), nullable=True),
        sa.Column("eligibility_description", sa.Text(), nullable=True),
        sa.Column("minimum_age", sa.Float(), nullable=True),
        sa.Column("maximum_age", sa.Float(), nullable=True),
        sa.Column("alert", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.String(length=40), nullable=True),
        sa.Column(
            "x_verified_at", passage.core.timestamps.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "service_area",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("service_at_location_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("extent", sa.Text(), nullable=True),
        sa.Column("extent_type", sa.String(length=16), nullable=True),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("service_area", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_area_service_at_location_id"),
            ["service_at_location_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_service_area_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "taxonomy",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("version", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "taxonomy_term",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=128), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("taxonomy", sa.Text(), nullable=True),
        sa.Column("taxonomy_id", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("term_uri", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("taxonomy_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taxonomy_term_code"), ["code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_taxonomy_term_taxonomy_id"), ["taxonomy_id"], unique=False
        )

    op.create_table(
        "unit",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("scheme", sa.Text(), nullable=True),
        sa.Column("identifier", sa.Text(), nullable=True),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "service_at_location",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("service_at_location", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_at_location_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_at_location_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "service_capacity",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("available", sa.Float(), nullable=False),
        sa.Column("maximum", sa.Float(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("updated", passage.core.timestamps.UTCDateTime(timezone=True), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("service_capacity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_capacity_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "x_confidential_address",
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("location_id"),
    )
    op.create_table(
        "x_referral_endpoint",
        sa.Column("service_at_location_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("languages", sa.String(length=128), nullable=False),
        sa.Column("accepting_referrals", sa.Boolean(), nullable=False),
        sa.Column("response_deadline_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_at_location_id"], ["service_at_location.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("service_at_location_id"),
    )
    op.create_table(
        "x_directory_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", passage.core.timestamps.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("x_directory_revision")
    op.drop_table("x_referral_endpoint")
    op.drop_table("x_confidential_address")
    with op.batch_alter_table("service_capacity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_capacity_service_id"))

    op.drop_table("service_capacity")
    with op.batch_alter_table("service_at_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_at_location_service_id"))
        batch_op.drop_index(batch_op.f("ix_service_at_location_location_id"))

    op.drop_table("service_at_location")
    op.drop_table("unit")
    with op.batch_alter_table("taxonomy_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taxonomy_term_taxonomy_id"))
        batch_op.drop_index(batch_op.f("ix_taxonomy_term_code"))

    op.drop_table("taxonomy_term")
    op.drop_table("taxonomy")
    with op.batch_alter_table("service_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_area_service_id"))
        batch_op.drop_index(batch_op.f("ix_service_area_service_at_location_id"))

    op.drop_table("service_area")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_organization_id"))

    op.drop_table("service")
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_service_id"))
        batch_op.drop_index(batch_op.f("ix_schedule_service_at_location_id"))
        batch_op.drop_index(batch_op.f("ix_schedule_location_id"))

    op.drop_table("schedule")
    with op.batch_alter_table("phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_service_id"))
        batch_op.drop_index(batch_op.f("ix_phone_service_at_location_id"))
        batch_op.drop_index(batch_op.f("ix_phone_organization_id"))
        batch_op.drop_index(batch_op.f("ix_phone_location_id"))
        batch_op.drop_index(batch_op.f("ix_phone_contact_id"))

    op.drop_table("phone")
    op.drop_table("organization")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_organization_id"))

    op.drop_table("location")
    with op.batch_alter_table("language", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_language_service_id"))
        batch_op.drop_index(batch_op.f("ix_language_phone_id"))
        batch_op.drop_index(batch_op.f("ix_language_location_id"))

    op.drop_table("language")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_service_id"))
        batch_op.drop_index(batch_op.f("ix_contact_service_at_location_id"))
        batch_op.drop_index(batch_op.f("ix_contact_organization_id"))
        batch_op.drop_index(batch_op.f("ix_contact_location_id"))

    op.drop_table("contact")
    with op.batch_alter_table("attribute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attribute_taxonomy_term_id"))
        batch_op.drop_index(batch_op.f("ix_attribute_link_id"))

    op.drop_table("attribute")
    with op.batch_alter_table("address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_address_location_id"))

    op.drop_table("address")
