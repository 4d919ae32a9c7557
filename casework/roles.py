"""Who may see which case: the one place the role rules live.

- An officer sees the cases they opened.
- A caseworker sees the cases of their unit.
- A coordinator sees the cases of their region.
- Intake staff see referrals to their own organization, never a case as such.
- An admin manages accounts and the directory, and sees no case contents.
- An officer or a coordinator plans rescue operations; an operation plan is seen as a case is
  (its planner; the coordinators of its region), by officers and coordinators only.
- Case details reach an account or organization of the police type only while the person's
  consent to sharing with the police stands and no reflection period runs; the officer who
  opened the case keeps seeing it.

A case opened before owners were recorded has no owner and is seen by no one in the chat.
"""

from typing import Protocol

from referral_directory.organization_types import POLICE

OFFICER = "officer"
CASEWORKER = "caseworker"
INTAKE = "intake"
COORDINATOR = "coordinator"
ADMIN = "admin"
ROLES = (OFFICER, CASEWORKER, INTAKE, COORDINATOR, ADMIN)

# Roles that hold a case in the chat, and the ones that may open one.
CHAT_ROLES = frozenset({OFFICER, CASEWORKER, COORDINATOR})
CASE_OPENING_ROLES = frozenset({OFFICER, CASEWORKER})
OPERATION_ROLES = frozenset({OFFICER, COORDINATOR})
# Roles asked for a second factor at web login when they have one set up.
SECOND_FACTOR_ROLES = frozenset({COORDINATOR, ADMIN})
# Roles placed in a unit, and the ones that may be placed in a region.
UNIT_ROLES = frozenset({OFFICER, CASEWORKER})
REGION_ROLES = frozenset({OFFICER, CASEWORKER, COORDINATOR})


class Viewer(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def region(self) -> str | None: ...
    @property
    def disabled(self) -> bool: ...
    @property
    def organization_id(self) -> str: ...


class OwnedCase(Protocol):
    @property
    def officer_account_id(self) -> int | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def region(self) -> str | None: ...


def may_use_chat(role: str) -> bool:
    return role in CHAT_ROLES


def may_look_up_cases(role: str) -> bool:
    """May ask for a case at all (which cases: may_see_case); intake staff and admins never."""
    return role in CHAT_ROLES


def reads_inbox(role: str) -> bool:
    """Reads and answers the referrals sent to their organization."""
    return role == INTAKE


def may_manage_accounts(role: str) -> bool:
    return role == ADMIN


def may_edit_directory(role: str) -> bool:
    """May change any provider's entries, free places included (a provider: only its own)."""
    return role == ADMIN


def uses_second_factor(role: str) -> bool:
    """Asked for a TOTP code at web login once one is set up."""
    return role in SECOND_FACTOR_ROLES


def needs_unit(role: str) -> bool:
    """Officers and caseworkers share cases within a unit, so their accounts name one."""
    return role in UNIT_ROLES


def needs_region(role: str) -> bool:
    """A coordinator oversees a region; without one they would see no case."""
    return role == COORDINATOR


def may_have_region(role: str) -> bool:
    return role in REGION_ROLES


def may_hold_cases(role: str) -> bool:
    """A legal hold is the region's coordinator's decision (on cases they may see)."""
    return role == COORDINATOR


def may_open_case(role: str) -> bool:
    return role in CASE_OPENING_ROLES


def may_see_case(viewer: Viewer, case: OwnedCase) -> bool:
    if viewer.disabled:
        return False
    if viewer.role == OFFICER:
        return case.officer_account_id is not None and case.officer_account_id == viewer.id
    if viewer.role == CASEWORKER:
        return (case.officer_account_id is not None and case.officer_account_id == viewer.id) or (
            viewer.unit is not None and case.unit == viewer.unit
        )
    if viewer.role == COORDINATOR:
        return viewer.region is not None and case.region == viewer.region
    return False


def may_plan_operation(role: str) -> bool:
    return role in OPERATION_ROLES


def may_see_operation(viewer: Viewer, plan: OwnedCase) -> bool:
    """The rules of cases, for the roles that plan operations: a caseworker of the planner's
    unit does not see it (the services prepared are the officer's and coordinator's work)."""
    return may_plan_operation(viewer.role) and may_see_case(viewer, plan)


def may_join_operation(viewer: Viewer, plan: OwnedCase) -> bool:
    """Who may open a case for a person found in the operation: whoever sees the plan, and the
    NGO caseworkers of its region, who take persons in at the safe site (they open cases, but
    the readiness and the board stay with the officers and the coordinator)."""
    if may_see_operation(viewer, plan):
        return True
    return (
        viewer.role == CASEWORKER
        and not viewer.disabled
        and viewer.region is not None
        and viewer.region == plan.region
    )


def may_receive_case_details(
    organization_type: str | None, *, police_sharing_consented: bool, reflection_period: bool
) -> bool:
    """Whether an organization of this type (or one of its accounts or API keys) may learn a
    case's details. Only the police type is gated: an organization of no recorded type is not
    police (the directory import accepts only
    referral_directory.organization_types). A reflection period means
    the person is not pressed to cooperate, so it refuses sharing even if consent was given."""
    if organization_type != POLICE:
        return True
    return police_sharing_consented and not reflection_period


def may_see_case_details(
    viewer: Viewer,
    case: OwnedCase,
    *,
    organization_type: str | None,
    police_sharing_consented: bool,
    reflection_period: bool,
) -> bool:
    """may_see_case, and for an account of a police organization that did not open the case,
    the police gate (may_receive_case_details) as well."""
    if not may_see_case(viewer, case):
        return False
    if case.officer_account_id is not None and case.officer_account_id == viewer.id:
        return True
    return may_receive_case_details(
        organization_type,
        police_sharing_consented=police_sharing_consented,
        reflection_period=reflection_period,
    )
