"""Directory tables, named as in Open Referral HSDS 3.1 (its tabular layout).

Columns carry the HSDS field names, so import and export map them one to one. Fields of an HSDS
record that no column holds (programs, funding, accessibility, ...) are kept in `extra` and
written back on export, so a round trip loses nothing. Links that HSDS leaves optional
(a phone's `service_id`, `location_id`, ...) are plain id columns: one HSDS phone or language can
belong to several records at once, and published data often links to records it does not contain.

Project additions start with `x_`, as HSDS asks of extensions.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from passage.core.field_crypto import EncryptedJSON
from passage.core.timestamps import UTCDateTime
from referral_directory.db import DirectoryBase

_ID = 64  # HSDS ids are UUIDs (36 characters); some publishers use longer keys.


def _id_link() -> Mapped[str | None]:
    return mapped_column(String(_ID), nullable=True, index=True)


class Organization(DirectoryBase):
    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text, nullable=True)
    website: Mapped[str | None] = mapped_column(Text, nullable=True)
    uri: Mapped[str | None] = mapped_column(Text, nullable=True)
    parent_organization_id: Mapped[str | None] = mapped_column(String(_ID), nullable=True)
    # police / public_service / ngo / international (referral_directory.organization_types): case
    # details reach a police organization only with the person's consent. None: not police.
    x_organization_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Service(DirectoryBase):
    __tablename__ = "service"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    organization_id: Mapped[str | None] = _id_link()
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    email: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(24))
    interpretation_services: Mapped[str | None] = mapped_column(Text, nullable=True)
    application_process: Mapped[str | None] = mapped_column(Text, nullable=True)
    eligibility_description: Mapped[str | None] = mapped_column(Text, nullable=True)
    minimum_age: Mapped[float | None] = mapped_column(Float, nullable=True)
    maximum_age: Mapped[float | None] = mapped_column(Float, nullable=True)
    alert: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # When a coordinator last confirmed this entry by calling the provider.
    x_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Location(DirectoryBase):
    __tablename__ = "location"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    organization_id: Mapped[str | None] = _id_link()
    location_type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    alternate_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    transportation: Mapped[str | None] = mapped_column(Text, nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    # IANA zone: HSDS schedules carry only a numeric offset, which is wrong half the year.
    x_tz: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # A confidential location (a shelter): its published address is the front door only.
    x_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class XConfidentialAddress(DirectoryBase):
    """The real address of a confidential location, kept apart from everything exported.

    Released only to an officer whose referral the provider accepted.
    """

    __tablename__ = "x_confidential_address"

    location_id: Mapped[str] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), primary_key=True
    )
    # Encrypted at rest: where a shelter really is must not leak with a copy of the database.
    address: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("x_confidential_address.address"))


class Address(DirectoryBase):
    __tablename__ = "address"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    location_id: Mapped[str | None] = _id_link()
    attention: Mapped[str | None] = mapped_column(Text, nullable=True)
    address_1: Mapped[str] = mapped_column(Text)
    address_2: Mapped[str | None] = mapped_column(Text, nullable=True)
    city: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text, nullable=True)
    state_province: Mapped[str] = mapped_column(Text)
    postal_code: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(8))
    address_type: Mapped[str] = mapped_column(String(16))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ServiceAtLocation(DirectoryBase):
    """A service offered at one location: what a referral is sent to."""

    __tablename__ = "service_at_location"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    location_id: Mapped[str | None] = mapped_column(
        ForeignKey("location.id"), nullable=True, index=True
    )
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class XReferralEndpoint(DirectoryBase):
    """Where and how referrals to one service_at_location are sent, and how fast it answers."""

    __tablename__ = "x_referral_endpoint"

    service_at_location_id: Mapped[str] = mapped_column(
        ForeignKey("service_at_location.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(Text)
    # Codes of the languages the intake staff read, comma-separated in order of preference.
    languages: Mapped[str] = mapped_column(String(128), default="")
    accepting_referrals: Mapped[bool] = mapped_column(Boolean, default=True)
    response_deadline_minutes: Mapped[int] = mapped_column(Integer)


class Phone(DirectoryBase):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    location_id: Mapped[str | None] = _id_link()
    service_id: Mapped[str | None] = _id_link()
    organization_id: Mapped[str | None] = _id_link()
    contact_id: Mapped[str | None] = _id_link()
    service_at_location_id: Mapped[str | None] = _id_link()
    number: Mapped[str] = mapped_column(String(64))
    extension: Mapped[float | None] = mapped_column(Float, nullable=True)
    type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Contact(DirectoryBase):
    __tablename__ = "contact"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    organization_id: Mapped[str | None] = _id_link()
    service_id: Mapped[str | None] = _id_link()
    service_at_location_id: Mapped[str | None] = _id_link()
    location_id: Mapped[str | None] = _id_link()
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    department: Mapped[str | None] = mapped_column(Text, nullable=True)
    email: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Language(DirectoryBase):
    __tablename__ = "language"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    service_id: Mapped[str | None] = _id_link()
    location_id: Mapped[str | None] = _id_link()
    phone_id: Mapped[str | None] = _id_link()
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ServiceArea(DirectoryBase):
    __tablename__ = "service_area"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    service_id: Mapped[str | None] = _id_link()
    service_at_location_id: Mapped[str | None] = _id_link()
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    extent: Mapped[str | None] = mapped_column(Text, nullable=True)
    extent_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    uri: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Schedule(DirectoryBase):
    __tablename__ = "schedule"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    service_id: Mapped[str | None] = _id_link()
    location_id: Mapped[str | None] = _id_link()
    service_at_location_id: Mapped[str | None] = _id_link()
    valid_from: Mapped[str | None] = mapped_column(String(10), nullable=True)
    valid_to: Mapped[str | None] = mapped_column(String(10), nullable=True)
    timezone: Mapped[float | None] = mapped_column(Float, nullable=True)
    freq: Mapped[str | None] = mapped_column(String(8), nullable=True)
    byday: Mapped[str | None] = mapped_column(String(64), nullable=True)
    opens_at: Mapped[str | None] = mapped_column(String(16), nullable=True)
    closes_at: Mapped[str | None] = mapped_column(String(16), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Unit(DirectoryBase):
    __tablename__ = "unit"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    scheme: Mapped[str | None] = mapped_column(Text, nullable=True)
    identifier: Mapped[str | None] = mapped_column(Text, nullable=True)
    uri: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ServiceCapacity(DirectoryBase):
    """Free places of a service (beds, appointments); `updated` says how fresh the figure is."""

    __tablename__ = "service_capacity"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
    available: Mapped[float] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated: Mapped[datetime] = mapped_column(UTCDateTime())
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Taxonomy(DirectoryBase):
    __tablename__ = "taxonomy"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TaxonomyTerm(DirectoryBase):
    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    code: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[str | None] = mapped_column(String(_ID), nullable=True)
    taxonomy: Mapped[str | None] = mapped_column(Text, nullable=True)
    taxonomy_id: Mapped[str | None] = _id_link()
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    term_uri: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Attribute(DirectoryBase):
    """Attaches a taxonomy term to any record (`link_id`): how services get their categories."""

    __tablename__ = "attribute"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    link_id: Mapped[str] = mapped_column(String(_ID), index=True)
    taxonomy_term_id: Mapped[str] = mapped_column(String(_ID), index=True)
    link_type: Mapped[str | None] = mapped_column(Text, nullable=True)
    link_entity: Mapped[str] = mapped_column(String(32))
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    label: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


TABLES: dict[str, type[DirectoryBase]] = {
    model.__tablename__: model
    for model in (
        Organization,
        Service,
        Location,
        Address,
        ServiceAtLocation,
        Phone,
        Contact,
        Language,
        ServiceArea,
        Schedule,
        Unit,
        ServiceCapacity,
        Taxonomy,
        TaxonomyTerm,
        Attribute,
    )
}
"""The HSDS tables we keep, by HSDS name (the `x_` tables are handled by the importer)."""


class XDirectoryRevision(DirectoryBase):
    """One row, counted up by every change to the directory: matching caches key on it."""

    __tablename__ = "x_directory_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
