"""The readiness of a rescue operation (casework.capacity_requests.readiness) for the accounts
that may see its plan (casework.roles.may_see_operation): places held per need, still missing,
providers not answering, and interpreters per language; and its board
(casework.operation_cases.board): the operation's cases by reference, and who has no place yet.

Roles that never plan operations are refused before any lookup; a plan the account may not see
answers as an unknown code does. Nothing of the plan is logged.
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.deps import LanguageDep, SessionDep, Staff, staff_who
from api.pages import PageRoute, render_page
from casework.capacity_requests import readiness
from casework.operation_cases import board
from casework.operation_models import OperationPlan
from casework.operations import NotAllowed, canonical_code, details_of, operation_for
from casework.roles import may_plan_operation

router = APIRouter(tags=["operations"], route_class=PageRoute, include_in_schema=False)
# Whether this plan, casework.operations.operation_for decides.
OperationViewerDep = Annotated[Staff, Depends(staff_who(may_plan_operation))]


@router.get("/operations")
def operation_lookup(
    request: Request,
    staff: OperationViewerDep,
    language: LanguageDep,
    code: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    found = canonical_code(code) if code else None
    if found is not None:
        return RedirectResponse(f"/operations/{found}", status_code=303)
    failed = code is not None
    return render_page(
        request,
        "operations/lookup.html",
        language,
        staff=staff,
        status=422 if failed else 200,
        failed=failed,
    )


@router.get("/operations/{code}")
def operation_readiness(
    code: str,
    request: Request,
    staff: OperationViewerDep,
    session: SessionDep,
    language: LanguageDep,
) -> HTMLResponse:
    plan = _visible_plan(session, staff, code)
    return render_page(
        request,
        "operations/readiness.html",
        language,
        staff=staff,
        code=plan.code,
        details=details_of(plan),
        released=plan.released_at is not None,
        readiness=readiness(session, plan),
    )


@router.get("/operations/{code}/board")
def operation_board(
    code: str,
    request: Request,
    staff: OperationViewerDep,
    session: SessionDep,
    language: LanguageDep,
) -> HTMLResponse:
    plan = _visible_plan(session, staff, code)
    return render_page(
        request,
        "operations/board.html",
        language,
        staff=staff,
        code=plan.code,
        board=board(session, plan, now=datetime.now(UTC)),
    )


def _visible_plan(session: Session, staff: Staff, code: str) -> OperationPlan:
    canonical = canonical_code(code)
    if canonical is None:
        raise HTTPException(404)
    try:
        return operation_for(session, staff.account, canonical)
    except NotAllowed:
        # 404 like an unknown code: a 403 would tell a prober that the operation exists.
        raise HTTPException(404) from None
