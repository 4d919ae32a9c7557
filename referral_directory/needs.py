"""The needs catalog: every item of the three assessment lists of the UNODC SOP.

Ids are stable: they are stored with assessments and referrals, so an id is never reused or
renamed; a withdrawn item would be marked, not deleted. The English label is the source text;
the chat shows the translation of catalog entry `need.<id>`.
"""

from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    BASIC_NEEDS = 1
    ASSISTANCE_AND_SERVICES = 2
    RIGHTS = 3


# Service categories (a taxonomy of ours); "parent.child" ids refine a parent category.
CATEGORIES: dict[str, str] = {
    "shelter": "Shelter and safe accommodation",
    "medical": "Medical care",
    "psychosocial": "Psychosocial support",
    "psychosocial.counselling": "Counselling",
    "psychosocial.mental_health": "Mental health care",
    "legal": "Legal assistance",
    "legal.representation": "Legal representation",
    "legal.advocacy": "Legal advocacy",
    "legal.immigration": "Immigration and asylum",
    "compensation": "Compensation and restitution",
    "child_protection": "Child protection",
    "social_services": "Social services and rehabilitation",
    "interpretation": "Interpretation and translation",
    "basic_goods": "Basic goods: food, clothing",
    "transport": "Transport",
    "employment_education": "Employment, training and education",
}


@dataclass(frozen=True)
class Need:
    id: str
    level: Level
    label: str
    categories: tuple[str, ...]
    usually_urgent: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "level": int(self.level),
            "label": self.label,
            "categories": list(self.categories),
            "usually_urgent": self.usually_urgent,
        }


_B, _S, _R = Level.BASIC_NEEDS, Level.ASSISTANCE_AND_SERVICES, Level.RIGHTS

NEEDS: tuple[Need, ...] = (
    Need(
        "basic.housing",
        _B,
        "Housing: emergency or temporary and long-term, possible re-location",
        ("shelter",),
        usually_urgent=True,
    ),
    Need("basic.transportation", _B, "Transportation", ("transport",)),
    Need("basic.food", _B, "Food for self and family", ("basic_goods",), usually_urgent=True),
    Need("basic.clothing", _B, "Clothing", ("basic_goods",)),
    Need("basic.employment", _B, "Employment and/or job training", ("employment_education",)),
    Need("basic.education", _B, "Education", ("employment_education",)),
    Need(
        "basic.children",
        _B,
        "Assistance with basic issues relevant to their children (school, child care, medical)",
        ("child_protection", "social_services", "employment_education", "medical"),
    ),
    Need(
        "services.crisis_intervention",
        _S,
        "Crisis intervention",
        ("psychosocial", "social_services"),
        usually_urgent=True,
    ),
    Need(
        "services.crisis_counselling",
        _S,
        "Crisis counselling",
        ("psychosocial.counselling",),
        usually_urgent=True,
    ),
    Need(
        "services.emergency_financial",
        _S,
        "Emergency financial assistance",
        ("social_services",),
        usually_urgent=True,
    ),
    Need(
        "services.protection",
        _S,
        "Services to enhance protection",
        ("shelter", "legal"),
        usually_urgent=True,
    ),
    Need(
        "services.home_safety_check",
        _S,
        "Home safety check with physical reinforcements",
        ("shelter",),
    ),
    Need(
        "services.safety_planning",
        _S,
        "Safety planning",
        ("psychosocial", "social_services"),
        usually_urgent=True,
    ),
    Need(
        "services.employer_advocacy",
        _S,
        "Advocacy or intervention with employers",
        ("legal.advocacy",),
    ),
    Need(
        "services.social_support",
        _S,
        "Development or enhancement of a social support system",
        ("social_services", "psychosocial"),
    ),
    Need(
        "services.medical",
        _S,
        "Physical health and medical issues",
        ("medical",),
        usually_urgent=True,
    ),
    Need(
        "services.mental_health",
        _S,
        "Mental health counselling (self and family)",
        ("psychosocial.mental_health",),
    ),
    Need("services.support_group", _S, "Support group participation", ("psychosocial",)),
    Need(
        "services.legal_advocacy", _S, "Legal advocacy", ("legal.advocacy", "legal.representation")
    ),
    Need(
        "services.social_services_referral",
        _S,
        "Referrals for social services",
        ("social_services",),
    ),
    Need("services.immigration", _S, "Assistance with immigration status", ("legal.immigration",)),
    Need(
        "services.substance_counselling",
        _S,
        "Alcohol or other drug counselling",
        ("medical", "psychosocial.counselling"),
    ),
    Need(
        "services.emergency_information",
        _S,
        "Information on what to do in emergencies",
        ("social_services",),
    ),
    Need("services.interpretation", _S, "Translation or interpreter services", ("interpretation",)),
    Need("services.follow_up", _S, "Follow-up contact", ("social_services",)),
    Need("rights.information", _R, "Information about victims' rights", ("legal",)),
    Need(
        "rights.compensation_claim",
        _R,
        "Information about and assistance with a victim compensation claim",
        ("compensation", "legal.representation"),
    ),
    Need("rights.protection_information", _R, "Information about protection rights", ("legal",)),
    Need(
        "rights.offender_status",
        _R,
        "Notification of the status and location of the offender",
        ("legal",),
    ),
    Need(
        "rights.justice_participation",
        _R,
        "Information about participation in key justice proceedings",
        ("legal",),
    ),
    Need(
        "rights.court_accompaniment",
        _R,
        "Accompaniment to court-related and other hearings",
        ("legal.advocacy", "psychosocial"),
    ),
    Need(
        "rights.impact_statement",
        _R,
        "Information and assistance with a pre-sentence interview and/or victim impact statement",
        ("legal.advocacy",),
    ),
    Need(
        "rights.restitution",
        _R,
        "Information and assistance with documenting restitution",
        ("compensation", "legal"),
    ),
    Need(
        "rights.proceedings_outcome",
        _R,
        "Notification of the outcome of criminal or juvenile proceedings",
        ("legal",),
    ),
    Need(
        "rights.offender_movement",
        _R,
        "Notification of the offender's location and any movement, including release or escape",
        ("legal",),
    ),
)

_BY_ID = {need.id: need for need in NEEDS}


class UnknownNeed(KeyError):
    pass


def need(need_id: str) -> Need:
    try:
        return _BY_ID[need_id]
    except KeyError:
        raise UnknownNeed(need_id) from None


def needs_of_level(level: Level) -> list[Need]:
    return [n for n in NEEDS if n.level == level]


def top_category(category: str) -> str:
    """`legal.immigration` -> `legal`: consent and matching work on top-level categories."""
    return category.split(".", 1)[0]
