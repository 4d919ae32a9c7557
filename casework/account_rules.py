"""What makes a valid account: username, password length, placement in a unit or region, and an
organization of the directory where the role needs one (which role needs what: casework.roles).
"""

import re

from sqlalchemy.orm import Session

from casework.roles import ROLES, may_have_region, needs_region, needs_unit, reads_inbox
from referral_directory.models import Organization

MIN_PASSWORD_LENGTH = 12
# argon2 pre-hashes any length, but hashing megabytes per login attempt is a cheap way to
# make the server busy.
MAX_PASSWORD_LENGTH = 1024
USERNAME = re.compile(r"[a-z0-9._-]{3,64}")
# An agency, unit or region name of a non-intake account: printable, no markup characters.
_LABEL = re.compile(r"[\w][\w .:/()-]{0,63}")
# The purpose in the audit trail of a change to an account or key, unless the caller names one.
ADMINISTRATION = "administration"


class AccountError(ValueError):
    """A value an operator gave cannot make an account or key; the message says why.

    `code` names the rule that was broken, so pages can show the reason in their language.
    """

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def normalise_username(username: str) -> str:
    return username.strip().lower()


def require_organization(session: Session, organization_id: str) -> None:
    if session.get(Organization, organization_id) is None:
        raise AccountError(
            f"No organization with id {organization_id!r} in the directory.", code="organization"
        )


def checked_username(username: str) -> str:
    """The username as stored (normalised), if it is a valid one."""
    name = normalise_username(username)
    if not USERNAME.fullmatch(name):
        raise AccountError(
            "A username is 3 to 64 characters: letters a-z, digits, '.', '_' or '-'.",
            code="username",
        )
    return name


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters.", code="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            f"The password must be at most {MAX_PASSWORD_LENGTH} characters.", code="password"
        )


def checked_label(value: str | None, what: str) -> str | None:
    """A unit, region or agency name, trimmed; None when empty."""
    text = value.strip() if value is not None else ""
    if not text:
        return None
    if not _LABEL.fullmatch(text):
        raise AccountError(
            f"The {what} is 1 to 64 letters, digits, spaces or . : / ( ) -", code=what
        )
    return text


def check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"The role is one of {', '.join(ROLES)}.", code="role")


def check_placement(role: str, unit: str | None, region: str | None) -> None:
    """Officers and caseworkers need a unit, coordinators a region; nobody else has either."""
    if needs_unit(role) and unit is None:
        raise AccountError(f"A {role} account needs a unit.", code="unit")
    if not needs_unit(role) and unit is not None:
        raise AccountError(f"A {role} account has no unit.", code="unit")
    if needs_region(role) and region is None:
        raise AccountError("A coordinator account needs a region.", code="region")
    if not may_have_region(role) and region is not None:
        raise AccountError(f"A {role} account has no region.", code="region")


def check_organization(session: Session, role: str, organization_id: str) -> None:
    """Intake staff read the referrals of an organization of the directory, so it must be there;
    for the other roles the organization names the agency the person works for."""
    if reads_inbox(role):
        require_organization(session, organization_id)
    elif checked_label(organization_id, "organization") != organization_id:
        raise AccountError("The organization is 1 to 64 characters.", code="organization")
