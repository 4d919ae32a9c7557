"""`passage directory template`: an HSDS CSV datapackage a coordinator fills in a spreadsheet.

Our two taxonomies are filled in (every service category and eligibility term, with their
fixed ids), and every other table has one example row: a women's shelter in Tashkent whose
real address is kept apart. The template imports as it is, and so does a filled copy.
"""

import uuid
from pathlib import Path
from typing import Any

from referral_directory.exporter import write_datapackage
from referral_directory.needs import CATEGORIES
from referral_directory.taxonomy import (
    CATEGORY_TAXONOMY,
    ELIGIBILITY_TAXONOMY,
    ELIGIBILITY_TERMS,
    taxonomy_json,
    term_json,
)

_EXAMPLE = uuid.UUID("5b0c7a52-8d0e-4a5f-9a43-1f6c2d7e8b90")
# A past moment, so the example's verification and capacity are never "in the future".
_EXAMPLE_MOMENT = "2026-01-15T09:00:00+05:00"


def example_id(name: str) -> str:
    """The id of an example row: replace it with a new UUID (uuid4) for a real record."""
    return str(uuid.uuid5(_EXAMPLE, name))


def taxonomy_rows() -> dict[str, list[dict[str, Any]]]:
    """Our taxonomies and all their terms, as rows of taxonomies.csv and taxonomy_terms.csv."""
    terms = []
    for taxonomy, codes in (
        (CATEGORY_TAXONOMY, CATEGORIES),
        (ELIGIBILITY_TAXONOMY, ELIGIBILITY_TERMS),
    ):
        for code in codes:
            term = term_json(taxonomy, code)
            detail = term.pop("taxonomy_detail")
            terms.append({**term, "taxonomy_id": detail["id"]})
    return {
        "taxonomy": [taxonomy_json(CATEGORY_TAXONOMY), taxonomy_json(ELIGIBILITY_TAXONOMY)],
        "taxonomy_term": terms,
    }


def template_rows() -> dict[str, list[dict[str, Any]]]:
    """Every table of the datapackage: taxonomies filled in, one example row elsewhere."""
    organization, service = example_id("organization"), example_id("service")
    location, sal = example_id("location"), example_id("service_at_location")
    unit = example_id("unit")
    taxonomies = taxonomy_rows()
    category = next(t for t in taxonomies["taxonomy_term"] if t["code"] == "shelter")
    return {
        "organization": [
            {
                "id": organization,
                "name": "Example NGO (replace or delete this row)",
                "description": "What the organization does.",
                "email": "intake@example.org",
                "website": "https://example.org",
                "x_organization_type": "ngo",
            }
        ],
        "service": [
            {
                "id": service,
                "organization_id": organization,
                "name": "Shelter for women",
                "description": "Safe accommodation for women who escaped trafficking.",
                "url": "https://example.org/shelter",
                "status": "active",
                "minimum_age": 18,
                "x_verified_at": _EXAMPLE_MOMENT,
            }
        ],
        "location": [
            {
                "id": location,
                "organization_id": organization,
                "location_type": "physical",
                "name": "Shelter (front door: the office that receives referrals)",
                "latitude": 41.2995,
                "longitude": 69.2401,
                "x_tz": "Asia/Tashkent",
                "x_confidential": "true",
            }
        ],
        "x_confidential_address": [
            {
                "location_id": location,
                "address_1": "The real address: never exported, released to an officer only "
                "after the referral is accepted",
                "city": "Tashkent",
                "country": "UZ",
            }
        ],
        "address": [
            {
                "id": example_id("address"),
                "location_id": location,
                "address_1": "1 Example Street (the office, not the shelter)",
                "city": "Tashkent",
                "state_province": "Tashkent",
                "postal_code": "100000",
                "country": "UZ",
                "address_type": "postal",
            }
        ],
        "service_at_location": [{"id": sal, "service_id": service, "location_id": location}],
        "x_referral_endpoint": [
            {
                "service_at_location_id": sal,
                "channel": "sms",
                "address": "+15005550006",
                "languages": "uz,ru",
                "accepting_referrals": "true",
                "response_deadline_minutes": 60,
            }
        ],
        "phone": [
            {
                "id": example_id("phone"),
                "service_id": service,
                "number": "+998 71 000 00 00",
                "type": "voice",
            }
        ],
        "contact": [
            {
                "id": example_id("contact"),
                "service_id": service,
                "name": "Intake coordinator",
                "email": "intake@example.org",
            }
        ],
        "language": [
            {"id": example_id("language"), "service_id": service, "name": "Uzbek", "code": "uz"}
        ],
        "service_area": [
            {
                "id": example_id("service_area"),
                "service_id": service,
                "name": "Tashkent",
                "description": "The city and its region",
            }
        ],
        "schedule": [
            {
                "id": example_id("schedule"),
                "service_at_location_id": sal,
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": "09:00",
                "closes_at": "18:00",
                "description": "Office hours; the shelter itself is open day and night",
            }
        ],
        "unit": [{"id": unit, "name": "Bed"}],
        "service_capacity": [
            {
                "id": example_id("service_capacity"),
                "service_id": service,
                "unit_id": unit,
                "available": 3,
                "maximum": 12,
                "updated": _EXAMPLE_MOMENT,
            }
        ],
        **taxonomies,
        "attribute": [
            {
                "id": example_id("attribute/category"),
                "link_id": service,
                "taxonomy_term_id": category["id"],
                "link_entity": "service",
            },
            {
                "id": example_id("attribute/eligibility"),
                "link_id": service,
                "taxonomy_term_id": next(
                    t["id"] for t in taxonomies["taxonomy_term"] if t["code"] == "women_only"
                ),
                "link_entity": "service",
            },
        ],
    }


def write_template(out_dir: Path) -> list[Path]:
    return write_datapackage(out_dir, template_rows())
