"""Operation plans: what services must prepare for before a rescue operation, and nothing more.

A plan says how many persons are expected (adults and presumed minors, by gender), which
languages and needs, a time window and the region of the safe site where they are screened.
It never says the target, the address, the business or the suspects: providers "do not need to
know the full details of the raid/rescue operation in order to prepare appropriately" (SIREN),
and there is no field to put them in. Errors name the field, never the value given.
"""

import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from babel import localedata
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.operation_models import OperationPlan
from casework.references import ALPHABET
from casework.roles import Viewer, may_join_operation, may_plan_operation, may_see_operation
from referral_directory.needs import UnknownNeed, need

# "OP-" and six characters: neither a case reference (four characters, a dash, four more), a
# referral code (six characters), a belongings receipt (`B-`) nor a capacity request code
# (`H` and six).
PREFIX = "OP-"
CODE_LENGTH = 6
# More persons than one operation brings to one safe site: a larger number is a slip.
MAX_PERSONS = 500
# An operation's window is hours or days; a longer one would hold places for nothing.
MAX_WINDOW = timedelta(days=14)
MAX_REGION_CHARS = 64
GENDER_KEYS = ("female", "male", "unknown")
# What services prepare places for before the persons reach the safe site: a roof, food and
# clothes, the ride there, a doctor, crisis support, interpreters, help with immigration status,
# and child protection for presumed minors. Assessment items that follow later (court, job
# training, compensation, ...) are asked per person, in their case.
OPERATION_NEEDS = (
    "basic.housing",
    "basic.food",
    "basic.clothing",
    "basic.transportation",
    "services.medical",
    "services.crisis_intervention",
    "services.interpretation",
    "services.immigration",
    "child.protection",
)


class InvalidDetail(ValueError):
    """A plan's detail that cannot be: `field` names it (never the value), for the page to show
    its message next to it."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field


class NotAllowed(PermissionError):
    """This account may not plan operations, or not see this one."""


@dataclass(frozen=True)
class OperationDetails:
    """The encrypted part of a plan. Counts are by gender: female, male, unknown."""

    adults: dict[str, int]
    minors: dict[str, int]
    languages: tuple[str, ...]
    needs: tuple[str, ...]
    window_start: datetime
    window_end: datetime
    safe_site_region: str

    @property
    def adult_count(self) -> int:
        return sum(self.adults.values())

    @property
    def minor_count(self) -> int:
        return sum(self.minors.values())

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["languages"] = list(self.languages)
        data["needs"] = list(self.needs)
        data["window_start"] = self.window_start.isoformat()
        data["window_end"] = self.window_end.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "OperationDetails":
        return cls(
            adults={k: int(v) for k, v in data["adults"].items()},
            minors={k: int(v) for k, v in data["minors"].items()},
            languages=tuple(data["languages"]),
            needs=tuple(data["needs"]),
            window_start=datetime.fromisoformat(data["window_start"]),
            window_end=datetime.fromisoformat(data["window_end"]),
            safe_site_region=str(data["safe_site_region"]),
        )


def checked_details(
    *,
    adults: dict[str, int],
    minors: dict[str, int],
    languages: list[str] | tuple[str, ...],
    needs: list[str] | tuple[str, ...],
    window_start: datetime,
    window_end: datetime,
    safe_site_region: str,
) -> OperationDetails:
    """The details, checked field by field; ValueError names the field, never the value."""
    counts = {"adults": _counts(adults, "adults"), "minors": _counts(minors, "minors")}
    if sum(counts["adults"].values()) + sum(counts["minors"].values()) == 0:
        raise InvalidDetail("adults, minors", "at least one person is expected")
    if sum(counts["adults"].values()) + sum(counts["minors"].values()) > MAX_PERSONS:
        raise InvalidDetail("adults, minors", f"at most {MAX_PERSONS} persons in one operation")
    codes = tuple(dict.fromkeys(_language(code) for code in languages))
    wanted = tuple(dict.fromkeys(_need(item) for item in needs))
    if not wanted:
        raise InvalidDetail("needs", "at least one need id")
    if not set(wanted) <= set(OPERATION_NEEDS):
        raise InvalidDetail("needs", "only what services prepare for before an operation")
    for name, moment in (("window_start", window_start), ("window_end", window_end)):
        if not isinstance(moment, datetime) or moment.utcoffset() != timedelta(0):
            raise InvalidDetail(name, "a date and time in UTC")
    if window_end <= window_start:
        raise InvalidDetail("window_end", "must be after window_start")
    if window_end - window_start > MAX_WINDOW:
        raise InvalidDetail("window_end", f"a window lasts at most {MAX_WINDOW.days} days")
    region = safe_site_region.strip() if isinstance(safe_site_region, str) else ""
    if not region or len(region) > MAX_REGION_CHARS:
        raise InvalidDetail(
            "safe_site_region", f"the name of a region, 1 to {MAX_REGION_CHARS} characters"
        )
    return OperationDetails(
        adults=counts["adults"],
        minors=counts["minors"],
        languages=codes,
        needs=wanted,
        window_start=window_start,
        window_end=window_end,
        safe_site_region=region,
    )


def _counts(value: Any, name: str) -> dict[str, int]:
    if not isinstance(value, dict) or not set(value) <= set(GENDER_KEYS):
        raise InvalidDetail(name, f"counts by gender ({', '.join(GENDER_KEYS)})")
    counts = {}
    for key in GENDER_KEYS:
        count = value.get(key, 0)
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_PERSONS:
            raise InvalidDetail(name, f"a whole number from 0 to {MAX_PERSONS} for {key}")
        counts[key] = count
    return counts


def _language(code: Any) -> str:
    if not isinstance(code, str) or not 2 <= len(code) <= 3 or not code.isalpha():
        raise InvalidDetail("languages", "ISO 639 codes such as km or vi")
    if not localedata.exists(code.lower()):
        raise InvalidDetail("languages", "a code that names no known language")
    return code.lower()


def _need(item: Any) -> str:
    if isinstance(item, str):
        try:
            return need(item).id
        except UnknownNeed:
            pass
    raise InvalidDetail("needs", "an id that is not in the needs catalog")


def new_code() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def canonical_code(text: str) -> str | None:
    """The code as plans store it, from what someone typed (any case, spaces, with or without
    the dash), or None when the text cannot be an operation code."""
    compact = "".join(text.split()).upper()
    if not compact.startswith(PREFIX[:2]):
        return None
    body = compact[2:].removeprefix(PREFIX[2:])  # the dash is often left out on a phone
    if len(body) != CODE_LENGTH or any(c not in ALPHABET for c in body):
        return None
    return PREFIX + body


def plan_operation(
    session: Session, planner: Viewer, details: OperationDetails, *, now: datetime
) -> OperationPlan:
    if planner.disabled or not may_plan_operation(planner.role):
        raise NotAllowed("this account may not plan operations")
    plan = OperationPlan(
        code=_unused_code(session),
        officer_account_id=planner.id,
        unit=planner.unit,
        region=planner.region,
        created_at=now,
        details=details.as_json(),
    )
    session.add(plan)
    session.flush()
    record_audit(
        session,
        actor=planner.role,
        action="operation.plan",
        outcome="planned",
        detail=plan.code,
        now=now,
    )
    return plan


def details_of(plan: OperationPlan) -> OperationDetails:
    return OperationDetails.from_json(plan.details)


def operation_for(session: Session, viewer: Viewer, code: str) -> OperationPlan:
    """The plan with this code if the viewer may see it; NotAllowed otherwise (an unknown code
    and a plan of someone else are the same answer)."""
    plan = _with_code(session, code)
    if plan is None or not may_see_operation(viewer, plan):
        raise NotAllowed("no operation with this code for this account")
    return plan


def operation_to_join(session: Session, viewer: Viewer, code: str) -> OperationPlan:
    """The plan with this code if the viewer may open cases under it
    (casework.roles.may_join_operation); NotAllowed otherwise, as for operation_for."""
    plan = _with_code(session, code)
    if plan is None or not may_join_operation(viewer, plan):
        raise NotAllowed("no operation with this code for this account")
    return plan


def _with_code(session: Session, code: str) -> OperationPlan | None:
    canonical = canonical_code(code)
    if canonical is None:
        return None
    return session.scalars(select(OperationPlan).where(OperationPlan.code == canonical)).first()


def _unused_code(session: Session) -> str:
    while True:
        code = new_code()
        if session.scalar(select(OperationPlan.id).where(OperationPlan.code == code)) is None:
            return code
