"""What each role may do: the predicates every adapter asks instead of naming roles."""

import pytest

from casework.roles import (
    ADMIN,
    CASEWORKER,
    COORDINATOR,
    INTAKE,
    OFFICER,
    ROLES,
    may_edit_directory,
    may_have_region,
    may_look_up_cases,
    may_manage_accounts,
    may_open_case,
    may_use_chat,
    needs_region,
    needs_unit,
    reads_inbox,
    uses_second_factor,
)

# For each predicate, the roles it holds for.
HOLDS_FOR = {
    may_use_chat: {OFFICER, CASEWORKER, COORDINATOR},
    may_look_up_cases: {OFFICER, CASEWORKER, COORDINATOR},
    may_open_case: {OFFICER, CASEWORKER},
    reads_inbox: {INTAKE},
    may_manage_accounts: {ADMIN},
    may_edit_directory: {ADMIN},
    uses_second_factor: {COORDINATOR, ADMIN},
    needs_unit: {OFFICER, CASEWORKER},
    needs_region: {COORDINATOR},
    may_have_region: {OFFICER, CASEWORKER, COORDINATOR},
}


@pytest.mark.parametrize("predicate", HOLDS_FOR, ids=lambda p: p.__name__)
def test_each_predicate_holds_for_its_roles_only(predicate: object) -> None:
    assert callable(predicate)
    assert {role for role in ROLES if predicate(role)} == HOLDS_FOR[predicate]
    assert not predicate("unknown")


def test_nobody_but_intake_staff_and_admins_is_kept_from_cases() -> None:
    assert {role for role in ROLES if not may_look_up_cases(role)} == {INTAKE, ADMIN}
