"""A case for matching as JSON (`passage match CASE.json`), checked field by field."""

from typing import Any

from referral_directory.geo import Point
from referral_directory.match_values import CaseForMatching
from referral_directory.needs import UnknownNeed, need

GENDERS = ("female", "male")


class InvalidCase(ValueError):
    """The case JSON cannot be matched; the message names the field."""


def case_from_json(data: Any) -> CaseForMatching:
    if not isinstance(data, dict):
        raise InvalidCase("a case is a JSON object")
    unknown = set(data) - {
        "age",
        "presumed_minor",
        "gender",
        "languages",
        "location",
        "needs",
        "urgent",
        "with_children",
    }
    if unknown:
        raise InvalidCase(f"unknown field(s): {', '.join(sorted(unknown))}")
    needs = _need_ids(data.get("needs"), "needs")
    if not needs:
        raise InvalidCase("needs: at least one need id (see `passage needs list`)")
    urgent = _need_ids(data.get("urgent", []), "urgent")
    if not set(urgent) <= set(needs):
        raise InvalidCase("urgent: every urgent need must also be in needs")
    age = data.get("age")
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int) or not 0 <= age < 130
    ):
        raise InvalidCase("age: a whole number of years, or null when not known")
    presumed_minor = data.get("presumed_minor", age is None or age < 18)
    if not isinstance(presumed_minor, bool):
        raise InvalidCase("presumed_minor: true or false")
    if age is not None and age < 18 and not presumed_minor:
        raise InvalidCase("presumed_minor: a person under 18 is a minor")
    gender = data.get("gender")
    if gender is not None and gender not in GENDERS:
        raise InvalidCase("gender: female, male, or null when not known or not said")
    languages = data.get("languages", [])
    if not isinstance(languages, list) or not all(
        isinstance(code, str) and 2 <= len(code) <= 3 and code.isalpha() for code in languages
    ):
        raise InvalidCase('languages: a list of ISO 639 codes such as ["uz", "ru"]')
    with_children = data.get("with_children", False)
    if not isinstance(with_children, bool):
        raise InvalidCase("with_children: true when children are with the person")
    point, area = _location(data.get("location"))
    return CaseForMatching(
        needs=tuple(needs),
        urgent=frozenset(urgent),
        age=age,
        presumed_minor=presumed_minor,
        gender=gender,
        languages=tuple(code.lower() for code in languages),
        location=point,
        area=area,
        with_children=with_children,
    )


def _need_ids(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidCase(f"{name}: a list of need ids")
    for item in value:
        try:
            need(item)
        except UnknownNeed:
            raise InvalidCase(f"{name}: {item!r} is not in the needs catalog") from None
    return list(dict.fromkeys(value))


def _location(value: Any) -> tuple[Point | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise InvalidCase('location: {"latitude": .., "longitude": ..} or {"area": "name"}')
    if "area" in value:
        area = value["area"]
        if not isinstance(area, str) or not area.strip():
            raise InvalidCase("location.area: the name of a place")
        return None, area.strip()
    latitude: Any = value.get("latitude")
    longitude: Any = value.get("longitude")
    if not (_is_number(latitude) and _is_number(longitude)):
        raise InvalidCase("location: latitude and longitude are numbers")
    point = Point(float(latitude), float(longitude))
    if not point.valid:
        raise InvalidCase("location: latitude -90..90 and longitude -180..180")
    return point, None


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) <= 1000  # far beyond any coordinate, and float() cannot overflow
