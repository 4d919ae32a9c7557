"""The form that plans a rescue operation (/operations/new): what was typed, kept as typed so a
page with errors gives it all back, and its check into casework.operations.OperationDetails.

The form's own checks are of form: whole numbers, a date and time, a language or a need that the
page offers, a window that has not ended yet. The plan's rules (how many persons, how long a
window, the region's length) are casework.operations.checked_details's: its ValueError names the
field, and the page shows the field's text next to it. No value typed is logged or put in an
error.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict
from pydantic import Field as ModelField

from casework.operations import (
    GENDER_KEYS,
    MAX_PERSONS,
    MAX_REGION_CHARS,
    MAX_WINDOW,
    OPERATION_NEEDS,
    InvalidDetail,
    OperationDetails,
    checked_details,
)
from translations.catalog import shipped_catalogs

GROUPS = ("adults", "minors")
COUNT_FIELDS = tuple(f"{group}_{gender}" for group in GROUPS for gender in GENDER_KEYS)
# Digits as typed on any keyboard, but only ASCII ones: int() would take other scripts' digits.
_COUNT = re.compile(r"[0-9]{1,4}")
# What a datetime-local input sends ("2026-11-23T14:00"), seconds optional; a space for the T
# where a browser shows a plain text box.
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?")
# The field a checked_details error names -> the place on the page and its text.
_DOMAIN_ERRORS = {
    "adults, minors": ("persons", "inbox.plan.error.persons"),
    "adults": ("persons", "inbox.plan.error.persons"),
    "minors": ("persons", "inbox.plan.error.persons"),
    "languages": ("languages", "inbox.plan.error.languages"),
    "needs": ("needs", "inbox.plan.error.needs"),
    "window_start": ("window_start", "inbox.plan.error.time"),
    "window_end": ("window_end", "inbox.plan.error.window"),
    "safe_site_region": ("safe_site_region", "inbox.plan.error.region"),
}
# The values the error texts name ({max}, {days}, {chars}).
LIMITS = {"max": MAX_PERSONS, "days": MAX_WINDOW.days, "chars": MAX_REGION_CHARS}


def operation_languages() -> list[str]:
    """The languages the form offers: every language Passage speaks to a person in."""
    return shipped_catalogs().person_languages


class PlanFields(BaseModel):
    """The form as posted. Every field is text without a bound of its own (the body limit
    bounds them all), so nothing typed is refused before the page can show it again."""

    model_config = ConfigDict(extra="ignore")

    csrf: Annotated[str, ModelField(max_length=128)] = ""
    adults_female: str = ""
    adults_male: str = ""
    adults_unknown: str = ""
    minors_female: str = ""
    minors_male: str = ""
    minors_unknown: str = ""
    languages: list[str] = []
    needs: list[str] = []
    window_start: str = ""
    window_end: str = ""
    safe_site_region: str = ""

    def count(self, name: str) -> str:
        value = getattr(self, name)
        assert isinstance(value, str)
        return value


@dataclass(frozen=True)
class FieldError:
    text: str  # a message id of inbox.po
    values: dict[str, int] = field(default_factory=lambda: dict(LIMITS))


@dataclass(frozen=True)
class Checked:
    details: OperationDetails | None
    errors: dict[str, FieldError]  # by field name, or "persons" for the persons as a whole


def check(form: PlanFields, *, now: datetime) -> Checked:
    """The plan's details, or an error per field; the form's checks first, then the plan's
    (checked_details stops at its first error, so that one shows alone)."""
    errors: dict[str, FieldError] = {}
    counts: dict[str, int] = {}
    for name in COUNT_FIELDS:
        typed = form.count(name).strip()
        if not typed:
            counts[name] = 0
        elif _COUNT.fullmatch(typed) and int(typed) <= MAX_PERSONS:
            counts[name] = int(typed)
        else:
            errors[name] = FieldError("inbox.plan.error.count")
    if not set(form.languages) <= set(operation_languages()):
        errors["languages"] = FieldError("inbox.plan.error.languages")
    if not set(form.needs) <= set(OPERATION_NEEDS):
        errors["needs"] = FieldError("inbox.plan.error.needs")
    start = _moment(form.window_start)
    end = _moment(form.window_end)
    if start is None:
        errors["window_start"] = FieldError("inbox.plan.error.time")
    if end is None:
        errors["window_end"] = FieldError("inbox.plan.error.time")
    elif end <= now:
        errors["window_end"] = FieldError("inbox.plan.error.ended")
    if errors or start is None or end is None:
        return Checked(None, errors)
    try:
        details = checked_details(
            adults={g: counts[f"adults_{g}"] for g in GENDER_KEYS},
            minors={g: counts[f"minors_{g}"] for g in GENDER_KEYS},
            languages=form.languages,
            needs=form.needs,
            window_start=start,
            window_end=end,
            safe_site_region=form.safe_site_region,
        )
    except InvalidDetail as error:
        place, text = _DOMAIN_ERRORS.get(error.field, ("form", "inbox.plan.error.other"))
        return Checked(None, {place: FieldError(text)})
    return Checked(details, {})


def _moment(typed: str) -> datetime | None:
    """A date and time typed in UTC, or None when it is not one."""
    text = typed.strip()
    if not _MOMENT.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=UTC)
    except ValueError:  # the 31st of February, hour 25
        return None
