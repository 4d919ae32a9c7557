"""Small HSDS 3.1 service records for tests, written as a publisher would write them."""

import json
import uuid
from pathlib import Path
from typing import Any

from referral_directory.taxonomy import (
    CATEGORY_TAXONOMY,
    ELIGIBILITY_TAXONOMY,
    attribute_json,
)

_NS = uuid.UUID("0d5c2f5e-7a59-4d3b-9f0a-2b1c3d4e5f60")

TASHKENT = (41.2995, 69.2401)
ALMATY = (43.2383, 76.9453)


def uid(key: str) -> str:
    return str(uuid.uuid5(_NS, key))


def box(name: str, centre: tuple[float, float], half: float = 0.3) -> dict[str, Any]:
    lat, lon = centre
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {
        "id": uid(f"area/{name}/{lat}/{lon}/{half}"),
        "name": name,
        "extent_type": "geojson",
        "extent": json.dumps({"type": "Polygon", "coordinates": [ring]}),
    }


def service(
    key: str,
    *,
    categories: tuple[str, ...] = ("shelter",),
    eligibility: tuple[str, ...] = (),
    organization: str | None = None,
    status: str = "active",
    at: tuple[float, float] = TASHKENT,
    areas: list[dict[str, Any]] | None = None,
    languages: tuple[str, ...] = ("uz", "ru"),
    minimum_age: int | None = None,
    maximum_age: int | None = None,
    accepting: bool = True,
    channel: str = "sms",
    capacity: tuple[int, str] | None = None,
    hours: tuple[str, str, str] | None = None,
    verified_at: str | None = "2026-11-01T09:00:00Z",
    confidential_address: dict[str, Any] | None = None,
    interpretation: str | None = None,
    endpoint_address: str | None = None,
    deadline_minutes: int = 60,
) -> dict[str, Any]:
    """One service at one location, with the fields matching reads."""
    service_id = uid(f"service/{key}")
    org_key = organization or key
    location: dict[str, Any] = {
        "id": uid(f"location/{key}"),
        "location_type": "physical",
        "name": f"{key} office",
        "latitude": at[0],
        "longitude": at[1],
        "x_tz": "Asia/Tashkent",
        "addresses": [
            {
                "id": uid(f"address/{key}"),
                "address_1": f"1 {key} street",
                "city": "Tashkent",
                "state_province": "Tashkent",
                "postal_code": "100000",
                "country": "UZ",
                "address_type": "physical",
            }
        ],
    }
    if confidential_address is not None:
        location["x_confidential"] = True
        location["x_confidential_address"] = confidential_address
    endpoint = {
        "channel": channel,
        "address": endpoint_address
        or ("+15005550006" if channel == "sms" else f"https://{key}.example.org/in"),
        "languages": list(languages[:1]) or ["en"],
        "accepting_referrals": accepting,
        "response_deadline_minutes": deadline_minutes,
    }
    record: dict[str, Any] = {
        "id": service_id,
        "name": f"{key} service",
        "status": status,
        "organization": {
            "id": uid(f"organization/{org_key}"),
            "name": f"{org_key} (test)",
            "description": "A test organization.",
        },
        "languages": [
            {"id": uid(f"language/{key}/{code}"), "name": code, "code": code} for code in languages
        ],
        "attributes": [attribute_json(service_id, CATEGORY_TAXONOMY, c) for c in categories]
        + [attribute_json(service_id, ELIGIBILITY_TAXONOMY, e) for e in eligibility],
        "service_at_locations": [
            {
                "id": uid(f"sal/{key}"),
                "location": location,
                "x_referral_endpoint": endpoint,
            }
        ],
    }
    if areas is not None:
        record["service_at_locations"][0]["service_areas"] = areas
    if minimum_age is not None:
        record["minimum_age"] = minimum_age
    if maximum_age is not None:
        record["maximum_age"] = maximum_age
    if verified_at is not None:
        record["x_verified_at"] = verified_at
    if interpretation:
        record["interpretation_services"] = interpretation
    if capacity is not None:
        record["capacities"] = [
            {
                "id": uid(f"capacity/{key}"),
                "unit": {"id": uid("unit/bed"), "name": "Bed"},
                "available": capacity[0],
                "updated": capacity[1],
            }
        ]
    if hours is not None:
        record["service_at_locations"][0]["schedules"] = [
            {
                "id": uid(f"schedule/{key}"),
                "freq": "WEEKLY",
                "byday": hours[0],
                "opens_at": hours[1],
                "closes_at": hours[2],
            }
        ]
    return record


def sal_id(key: str) -> str:
    return uid(f"sal/{key}")


def write(path: Path, records: list[dict[str, Any]] | dict[str, Any]) -> Path:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path
