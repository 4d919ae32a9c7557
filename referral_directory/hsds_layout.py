"""How HSDS 3.1 nests records in JSON, and how its tabular (CSV) layout names them.

One table describes both directions: the importer flattens nested JSON into table rows with
these links, and the exporter nests rows back along the same links.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Nested:
    table: str
    # Column of the child that holds the parent's id (a list of children) ...
    child_link: str | None = None
    # ... or column of the parent that holds the child's id (one nested object).
    parent_link: str | None = None


_ATTRIBUTES = Nested("attribute", child_link="link_id")

NESTING: dict[str, dict[str, Nested]] = {
    "organization": {
        "phones": Nested("phone", child_link="organization_id"),
        "contacts": Nested("contact", child_link="organization_id"),
        "locations": Nested("location", child_link="organization_id"),
        "services": Nested("service", child_link="organization_id"),
        "attributes": _ATTRIBUTES,
    },
    "service": {
        "organization": Nested("organization", parent_link="organization_id"),
        "phones": Nested("phone", child_link="service_id"),
        "schedules": Nested("schedule", child_link="service_id"),
        "service_areas": Nested("service_area", child_link="service_id"),
        "service_at_locations": Nested("service_at_location", child_link="service_id"),
        "languages": Nested("language", child_link="service_id"),
        "contacts": Nested("contact", child_link="service_id"),
        "capacities": Nested("service_capacity", child_link="service_id"),
        "attributes": _ATTRIBUTES,
    },
    "service_at_location": {
        "service": Nested("service", parent_link="service_id"),
        "location": Nested("location", parent_link="location_id"),
        "service_areas": Nested("service_area", child_link="service_at_location_id"),
        "contacts": Nested("contact", child_link="service_at_location_id"),
        "phones": Nested("phone", child_link="service_at_location_id"),
        "schedules": Nested("schedule", child_link="service_at_location_id"),
        "attributes": _ATTRIBUTES,
    },
    "location": {
        "languages": Nested("language", child_link="location_id"),
        "addresses": Nested("address", child_link="location_id"),
        "contacts": Nested("contact", child_link="location_id"),
        "phones": Nested("phone", child_link="location_id"),
        "schedules": Nested("schedule", child_link="location_id"),
        "attributes": _ATTRIBUTES,
    },
    "contact": {"phones": Nested("phone", child_link="contact_id"), "attributes": _ATTRIBUTES},
    "phone": {"languages": Nested("language", child_link="phone_id"), "attributes": _ATTRIBUTES},
    "service_capacity": {
        "unit": Nested("unit", parent_link="unit_id"),
        "attributes": _ATTRIBUTES,
    },
    "attribute": {"taxonomy_term": Nested("taxonomy_term", parent_link="taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": Nested("taxonomy", parent_link="taxonomy_id")},
}
for _table in ("address", "language", "service_area", "schedule", "unit", "taxonomy"):
    NESTING.setdefault(_table, {"attributes": _ATTRIBUTES})

# Our extensions that are records of their own, keyed by the record they extend.
EXTENSION_TABLES: dict[str, tuple[str, str]] = {
    # JSON field on (parent table) -> (extension table, key column)
    "x_referral_endpoint": ("service_at_location", "service_at_location_id"),
    "x_confidential_address": ("location", "location_id"),
}

# File names of the tabular layout (HSDS datapackage.json), ours added for the extensions.
CSV_FILES: dict[str, str] = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "service_at_location": "service_at_location.csv",
    "phone": "phones.csv",
    "contact": "contacts.csv",
    "language": "languages.csv",
    "service_area": "service_areas.csv",
    "schedule": "schedules.csv",
    "unit": "units.csv",
    "service_capacity": "service_capacity.csv",
    "taxonomy": "taxonomies.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "attribute": "attributes.csv",
    "x_referral_endpoint": "x_referral_endpoints.csv",
    "x_confidential_address": "x_confidential_addresses.csv",
}

# Order that satisfies the foreign keys when writing.
WRITE_ORDER: tuple[str, ...] = (
    "organization",
    "unit",
    "taxonomy",
    "taxonomy_term",
    "service",
    "location",
    "x_confidential_address",
    "address",
    "service_at_location",
    "x_referral_endpoint",
    "phone",
    "contact",
    "language",
    "service_area",
    "schedule",
    "service_capacity",
    "attribute",
)

KEY_COLUMN: dict[str, str] = {
    table: EXTENSION_TABLES[table][1] if table in EXTENSION_TABLES else "id"
    for table in WRITE_ORDER
}


def kind_of_record(record: dict[str, object]) -> str | None:
    """Which HSDS record a top-level JSON object is; None when it is none we know."""
    if "status" in record or "service_at_locations" in record:
        return "service"
    if "location_type" in record:
        return "location"
    if "location" in record or ("service_id" in record and "location_id" in record):
        return "service_at_location"
    if "service" in record:
        return "service_at_location"
    if "taxonomy_detail" in record or "parent_id" in record or "term_uri" in record:
        return "taxonomy_term"
    if "name" in record and "description" in record:
        if {"version", "uri"} & set(record) and not {"services", "locations", "website"} & set(
            record
        ):
            return "taxonomy"
        return "organization"
    return None
