"""Our two small taxonomies, attached to services through HSDS `attribute`s.

HSDS prescribes no taxonomy, and the 211/AIRS one may not be shipped, so Passage has its own:
service categories (what a need maps to, `referral_directory.needs.CATEGORIES`) and eligibility
terms (who a service is for). Ids are fixed UUIDs derived from the codes, so every directory
that uses them agrees on them.
"""

import uuid
from typing import Any

from referral_directory.needs import CATEGORIES

_NAMESPACE = uuid.UUID("6d1f2a3c-4b5e-4f60-8a7b-9c0d1e2f3a4b")

CATEGORY_TAXONOMY = "passage-service-category"
ELIGIBILITY_TAXONOMY = "passage-eligibility"

ELIGIBILITY_TERMS: dict[str, str] = {
    "women_only": "Only for women and girls",
    "men_only": "Only for men and boys",
    "children_accepted": "Takes children under 18",
    "children_only": "Only for children under 18",
    "families_accepted": "Takes a parent together with their children",
    "female_medical_staff": "A female doctor or nurse is available",
}

_DESCRIPTIONS = {
    CATEGORY_TAXONOMY: "Kinds of service a need of the UNODC SOP assessment can be referred to.",
    ELIGIBILITY_TAXONOMY: "Who a service is for, as far as matching needs to know.",
}


def taxonomy_id(taxonomy: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, taxonomy))


def term_id(taxonomy: str, code: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{taxonomy}/{code}"))


def taxonomy_json(taxonomy: str) -> dict[str, Any]:
    return {
        "id": taxonomy_id(taxonomy),
        "name": taxonomy,
        "description": _DESCRIPTIONS[taxonomy],
        "version": "1",
    }


def term_json(taxonomy: str, code: str) -> dict[str, Any]:
    """An HSDS taxonomy_term of ours, with its taxonomy nested as HSDS 3.1 does."""
    names = CATEGORIES if taxonomy == CATEGORY_TAXONOMY else ELIGIBILITY_TERMS
    if code not in names:
        raise KeyError(f"{code!r} is not a term of {taxonomy}")
    parent = code.rsplit(".", 1)[0] if "." in code else None
    term: dict[str, Any] = {
        "id": term_id(taxonomy, code),
        "code": code,
        "name": names[code],
        "description": names[code],
        "taxonomy": taxonomy,
        "taxonomy_detail": taxonomy_json(taxonomy),
    }
    if parent:
        term["parent_id"] = term_id(taxonomy, parent)
    return term


def attribute_json(service_id: str, taxonomy: str, code: str) -> dict[str, Any]:
    """The attribute that gives a service one of our terms (for data we write ourselves)."""
    return {
        "id": str(uuid.uuid5(_NAMESPACE, f"{service_id}/{taxonomy}/{code}")),
        "link_entity": "service",
        "taxonomy_term": term_json(taxonomy, code),
    }
