"""The needs catalog: every item of the three assessment lists of the UNODC SOP.

Ids are stable: they are stored with assessments and referrals, so an id is never reused or
renamed; a withdrawn item would be marked, not deleted. The English label is the source text;
the chat shows the translation of catalog entry `need.<id>`.
"""

from dataclasses import dataclass
from enum import IntEnum, StrEnum


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
    "legal.labour": "Labour rights and unpaid wages",
    "legal.compensation": "Compensation claims",
    "legal.criminal": "Criminal proceedings",
    "compensation": "Compensation and restitution",
    "child_protection": "Child protection",
    "social_services": "Social services and rehabilitation",
    "interpretation": "Interpretation and translation",
    "basic_goods": "Basic goods: food, clothing",
    "transport": "Transport",
    "employment_education": "Employment, training and education",
}


class MatchFor(StrEnum):
    """Whom a need is matched for: whose eligibility a provider must meet."""

    PERSON = "person"
    # The person's children: matched as children of any gender, whatever the parent is.
    CHILDREN = "children"
    # The person and the children with them: a place to stay must take the family together.
    HOUSEHOLD = "household"


@dataclass(frozen=True)
class Need:
    id: str
    level: Level
    label: str
    categories: tuple[str, ...]
    usually_urgent: bool = False
    match_for: MatchFor = MatchFor.PERSON

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "level": int(self.level),
            "label": self.label,
            "categories": list(self.categories),
            "usually_urgent": self.usually_urgent,
            "match_for": self.match_for.value,
        }


_B, _S, _R = Level.BASIC_NEEDS, Level.ASSISTANCE_AND_SERVICES, Level.RIGHTS

NEEDS: tuple[Need, ...] = (
    Need(
        "basic.housing",
        _B,
        "Housing: emergency or temporary and long-term, possible re-location",
        ("shelter",),
        usually_urgent=True,
        match_for=MatchFor.HOUSEHOLD,
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
        match_for=MatchFor.CHILDREN,
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
        match_for=MatchFor.HOUSEHOLD,
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
        ("legal.labour", "legal.advocacy"),
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
        ("compensation", "legal.compensation"),
    ),
    Need("rights.protection_information", _R, "Information about protection rights", ("legal",)),
    Need(
        "rights.offender_status",
        _R,
        "Notification of the status and location of the offender",
        ("legal.criminal",),
    ),
    Need(
        "rights.justice_participation",
        _R,
        "Information about participation in key justice proceedings",
        ("legal.criminal",),
    ),
    Need(
        "rights.court_accompaniment",
        _R,
        "Accompaniment to court-related and other hearings",
        ("legal.criminal", "legal.advocacy", "psychosocial"),
    ),
    Need(
        "rights.impact_statement",
        _R,
        "Information and assistance with a pre-sentence interview and/or victim impact statement",
        ("legal.criminal", "legal.advocacy"),
    ),
    Need(
        "rights.restitution",
        _R,
        "Information and assistance with documenting restitution",
        ("compensation", "legal.compensation"),
    ),
    Need(
        "rights.proceedings_outcome",
        _R,
        "Notification of the outcome of criminal or juvenile proceedings",
        ("legal.criminal",),
    ),
    Need(
        "rights.offender_movement",
        _R,
        "Notification of the offender's location and any movement, including release or escape",
        ("legal.criminal",),
    ),
)

# Not one of the SOP's items, so never among a level's options: every presumed child is
# referred to child protection first (casework.child_protection adds it to the assessment).
CHILD_PROTECTION = Need(
    "child.protection",
    Level.ASSISTANCE_AND_SERVICES,
    "Child protection: a best-interest assessment and care",
    ("child_protection",),
    usually_urgent=True,
)

# Not SOP items either: a person whose identity or travel documents are not in their hands
# needs legal and consular help to get them back or to get new ones (offered with level 3):
# immigration and documents work first, a general legal office after it.
DOCUMENT_NEEDS: tuple[Need, ...] = tuple(
    Need(f"documents.{situation}", Level.RIGHTS, label, ("legal.immigration",))
    for situation, label in (
        ("held_by_others", "Identity or travel documents held by someone else"),
        ("lost", "Identity or travel documents lost or destroyed"),
        ("never_had", "Never had identity documents"),
    )
)

_BY_ID = {need.id: need for need in (*NEEDS, CHILD_PROTECTION, *DOCUMENT_NEEDS)}


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
