"""One demo service as an HSDS 3.1 service record, with its organization, location,
schedules, service areas and capacity; every id a stable UUID."""

import hashlib
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from demo_directory.model import City, Org, Place, Spec
from demo_directory.places import CITIES, ORGS, PLACES
from referral_directory.taxonomy import CATEGORY_TAXONOMY, ELIGIBILITY_TAXONOMY, attribute_json

# Fixed, so that ids never change between runs. Never reuse it for anything but demo data.
NAMESPACE = uuid.UUID("3f6b2a10-7c4d-4e8f-9a1b-2c3d4e5f6a70")


def uid(key: str) -> str:
    """A UUID derived from a readable key: the same key always gives the same id."""
    return str(uuid.uuid5(NAMESPACE, key))


BED_UNIT: dict[str, Any] = {
    "id": uid("unit/bed"),
    "name": "Bed",
    "scheme": "passage",
    "identifier": "bed",
}

LANGUAGE_NAMES: dict[str, str] = {
    "km": "Khmer",
    "th": "Thai",
    "vi": "Vietnamese",
    "en": "English",
    "ru": "Russian",
    "kk": "Kazakh",
    "uz": "Uzbek",
    "ky": "Kyrgyz",
    "tg": "Tajik",
}


def _fraction(key: str, salt: str) -> float:
    """A number in [0, 1) fixed by `key`: spreads locations without a random generator."""
    digest = hashlib.sha256(f"{salt}/{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def coordinates(place: Place) -> tuple[float, float]:
    """Fixed by the published address: a drop-in office lies where its day centre does."""
    city = CITIES[place.city]
    south, north, west, east = city.spread
    key = f"{place.city}/{place.address_1.removeprefix('Drop-in office, ')}"
    latitude = city.latitude + south + (north - south) * _fraction(key, "latitude")
    longitude = city.longitude + west + (east - west) * _fraction(key, "longitude")
    return round(latitude, 4), round(longitude, 4)


def rectangle(west: float, south: float, east: float, north: float) -> str:
    """A GeoJSON Polygon, as the JSON text HSDS `extent` holds."""
    w, s, e, n = (round(value, 4) for value in (west, south, east, north))
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]}, separators=(",", ":"))


def languages_json(owner: str, codes: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {"id": uid(f"{owner}/language/{code}"), "name": LANGUAGE_NAMES[code], "code": code}
        for code in codes
    ]


def organization_json(org: Org, number: str) -> dict[str, Any]:
    return {
        "id": uid(f"organization/{org.slug}"),
        "name": org.name,
        "description": org.description,
        "email": org.email,
        "website": org.website,
        "phones": [
            {
                "id": uid(f"organization/{org.slug}/phone"),
                "number": number,
                "type": "voice",
                "description": "Office line, answered in office hours.",
            }
        ],
    }


def location_json(place: Place) -> dict[str, Any]:
    city = CITIES[place.city]
    latitude, longitude = coordinates(place)
    location: dict[str, Any] = {
        "id": uid(f"location/{place.key}"),
        "location_type": "physical",
        "name": place.name,
    }
    if place.description:
        location["description"] = place.description
    location.update(
        {
            "latitude": latitude,
            "longitude": longitude,
            "x_tz": city.time_zone,
            "addresses": [
                {
                    "id": uid(f"location/{place.key}/address"),
                    "address_1": place.address_1,
                    "city": city.name,
                    "state_province": city.state_province,
                    "postal_code": place.postal_code,
                    "country": city.country,
                    "address_type": "physical",
                }
            ],
            "languages": languages_json(f"location/{place.key}", place.languages),
        }
    )
    if place.confidential_address:
        location["x_confidential"] = True
        location["x_confidential_address"] = {
            "address_1": place.confidential_address,
            "city": city.name,
            "country": city.country,
        }
    return location


def schedules_json(spec: Spec, city: City) -> list[dict[str, Any]]:
    owner = f"service_at_location/{spec.key}/schedule"
    if spec.hours == "always":
        return [
            {
                "id": uid(f"{owner}/always"),
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR,SA,SU",
                "opens_at": "00:00",
                "closes_at": "23:59",
                "description": "Open around the clock, every day including public holidays.",
            }
        ]
    opens, closes = city.office_hours
    schedules = [
        {
            "id": uid(f"{owner}/weekdays"),
            "freq": "WEEKLY",
            "byday": "MO,TU,WE,TH,FR",
            "opens_at": opens,
            "closes_at": closes,
            "description": f"Monday to Friday, {opens} to {closes}; closed on public holidays.",
        }
    ]
    if spec.hours == "office+saturday":
        schedules.append(
            {
                "id": uid(f"{owner}/saturday"),
                "freq": "WEEKLY",
                "byday": "SA",
                "opens_at": "09:00",
                "closes_at": "13:00",
                "description": "Saturday morning, 09:00 to 13:00.",
            }
        )
    return schedules


def service_areas_json(spec: Spec, city: City) -> list[dict[str, Any]]:
    area_id = uid(f"service_at_location/{spec.key}/service_area")
    if spec.area == "none":
        return []
    if spec.area == "region":
        region = city.region
        return [
            {
                "id": area_id,
                "name": region.name,
                "description": region.description,
                "extent_type": "geojson",
                "extent": rectangle(*region.bounds),
            }
        ]
    return [
        {
            "id": area_id,
            "name": city.name,
            "description": f"{city.name} and the surrounding districts (about 35 km).",
            "extent_type": "geojson",
            "extent": rectangle(
                city.longitude - 0.35,
                city.latitude - 0.35,
                city.longitude + 0.35,
                city.latitude + 0.35,
            ),
        }
    ]


def eligibility_text(spec: Spec) -> str:
    if spec.eligibility_text:
        return spec.eligibility_text
    terms = set(spec.eligibility)
    if "children_only" in terms:
        who = f"Children and young people up to the age of {spec.maximum_age}"
    else:
        if "women_only" in terms:
            who = "Women" if (spec.minimum_age or 0) >= 18 else "Women and girls"
        elif "men_only" in terms:
            who = "Men"
        elif (spec.minimum_age or 0) >= 18:
            who = "Adults"
        else:
            who = "Anyone"
        if spec.minimum_age is not None:
            who += f" aged {spec.minimum_age} and over"
    text = f"{who} who have been trafficked or exploited, or are presumed to be."
    if "children_accepted" in terms:
        text += " Children are welcome, with a parent or guardian where possible."
    if "families_accepted" in terms:
        text += " Parents stay together with the children who come with them."
    if "female_medical_staff" in terms:
        text += " A female doctor or nurse is available on request."
    return text


def verified_at(index: int, spec: Spec) -> str:
    """Spread between 2026-06-01 and 2026-11-20, unless the spec gives an older date."""
    if spec.verified:
        return spec.verified
    day = date(2026, 6, 1) + timedelta(days=(index * 29) % 173)
    moment = datetime(day.year, day.month, day.day, 8 + (index * 5) % 9, (index * 17) % 60)
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def capacity_json(spec: Spec, index: int) -> list[dict[str, Any]]:
    if spec.beds is None:
        return []
    available, maximum = spec.beds
    updated = datetime(2026, 11, 20 + index % 4, 6 + index % 10, (index * 13) % 60, tzinfo=UTC)
    return [
        {
            "id": uid(f"service/{spec.key}/capacity/bed"),
            "unit": BED_UNIT,
            "available": available,
            "maximum": maximum,
            "description": "Free beds tonight, as reported by the shelter.",
            "updated": updated.isoformat().replace("+00:00", "Z"),
        }
    ]


def service_json(
    spec: Spec, index: int, sms_number: str, org_number: str, hotline_number: str | None
) -> dict[str, Any]:
    place = PLACES[spec.place]
    city = CITIES[place.city]
    org = ORGS[spec.org]
    service_id = uid(f"service/{spec.key}")
    service: dict[str, Any] = {
        "id": service_id,
        "name": f"{spec.name} (demo)",
        "description": spec.description,
        "email": org.email,
        "status": spec.status,
    }
    if spec.interpretation:
        service["interpretation_services"] = spec.interpretation
    service["eligibility_description"] = eligibility_text(spec)
    if spec.minimum_age is not None:
        service["minimum_age"] = spec.minimum_age
    if spec.maximum_age is not None:
        service["maximum_age"] = spec.maximum_age
    if spec.alert:
        service["alert"] = spec.alert
    service["x_verified_at"] = verified_at(index, spec)
    service["organization"] = organization_json(org, org_number)
    service["languages"] = languages_json(f"service/{spec.key}", spec.languages)
    if hotline_number:
        service["phones"] = [
            {
                "id": uid(f"service/{spec.key}/phone"),
                "number": hotline_number,
                "type": "voice",
                "description": "Hotline, answered day and night.",
            }
        ]
    capacities = capacity_json(spec, index)
    if capacities:
        service["capacities"] = capacities
    service["attributes"] = [
        attribute_json(service_id, CATEGORY_TAXONOMY, code) for code in spec.categories
    ] + [attribute_json(service_id, ELIGIBILITY_TAXONOMY, code) for code in spec.eligibility]
    service_at_location: dict[str, Any] = {
        "id": uid(f"service_at_location/{spec.key}"),
        "location": location_json(place),
        "schedules": schedules_json(spec, city),
    }
    areas = service_areas_json(spec, city)
    if areas:
        service_at_location["service_areas"] = areas
    service_at_location["x_referral_endpoint"] = {
        "channel": spec.channel,
        "address": sms_number if spec.channel == "sms" else org.api_endpoint,
        "languages": list(spec.intake or spec.languages[:2]),
        "accepting_referrals": spec.accepting,
        "response_deadline_minutes": spec.deadline,
    }
    service["service_at_locations"] = [service_at_location]
    return service
