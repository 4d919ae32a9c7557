"""Rescue operations for the accounts that plan them (casework.roles.may_plan_operation): the
page where one is planned (/operations/new: the plan's fields, then a capacity request to the
best provider of each need, queued in the outbox), the readiness of a plan
(casework.capacity_requests.readiness: places held per need, still missing, providers not
answering, and interpreters per language) and its board (casework.operation_cases.board: the
operation's cases by reference, and who has no place yet).

Roles that never plan operations are refused before any lookup; a plan the account may not see
answers as an unknown code does. Nothing of the plan is logged.
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import (
    LanguageDep,
    NowDep,
    PoliciesDep,
    SessionDep,
    Staff,
    check_csrf,
    staff_who,
)
from api.pages import PageRoute, render_page
from api.plan_form import (
    GROUPS,
    LIMITS,
    FieldError,
    PlanFields,
    check,
    operation_languages,
)
from api.templating import texts_in
from casework.capacity_requests import readiness, request_capacity, requests_of
from casework.operation_cases import board
from casework.operation_models import OperationPlan
from casework.operations import (
    GENDER_KEYS,
    OPERATION_NEEDS,
    NotAllowed,
    canonical_code,
    details_of,
    operation_for,
    plan_operation,
)
from casework.roles import may_plan_operation

router = APIRouter(tags=["operations"], route_class=PageRoute, include_in_schema=False)
# Whether this plan, casework.operations.operation_for decides.
OperationViewerDep = Annotated[Staff, Depends(staff_who(may_plan_operation))]
# The readiness page says how many capacity requests were queued, right after the plan.
JUST_PLANNED = "1"


def visible_plan(code: str, staff: OperationViewerDep, session: SessionDep) -> OperationPlan:
    """The plan of the path's code, if this account may see it; 404 otherwise, like an unknown
    code: a 403 would tell a prober that the operation exists."""
    canonical = canonical_code(code)
    if canonical is None:
        raise HTTPException(404)
    try:
        return operation_for(session, staff.account, canonical)
    except NotAllowed:
        raise HTTPException(404) from None


VisiblePlanDep = Annotated[OperationPlan, Depends(visible_plan)]


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


@router.get("/operations/new")
def plan_form(
    request: Request, staff: OperationViewerDep, language: LanguageDep, now: NowDep
) -> HTMLResponse:
    return _plan_page(request, staff, language, now, PlanFields(), {})


@router.post("/operations/new")
def plan_submit(
    request: Request,
    staff: OperationViewerDep,
    session: SessionDep,
    language: LanguageDep,
    policies: PoliciesDep,
    now: NowDep,
    form: Annotated[PlanFields, Form()],
) -> Response:
    check_csrf(staff, form.csrf)
    checked = check(form, now=now)
    if checked.details is None:
        return _plan_page(request, staff, language, now, form, checked.errors, status=422)
    try:
        plan = plan_operation(session, staff.account, checked.details, now=now)
    except NotAllowed:  # a disabled account: its sessions end, but not within this request
        raise HTTPException(403) from None
    request_capacity(
        session, plan, policies.matching, now=now, base_url=policies.referrals.public_base_url
    )
    session.commit()
    return RedirectResponse(f"/operations/{plan.code}?planned={JUST_PLANNED}", status_code=303)


def _plan_page(
    request: Request,
    staff: Staff,
    language: str,
    now: datetime,
    form: PlanFields,
    errors: dict[str, FieldError],
    *,
    status: int = 200,
) -> HTMLResponse:
    name = texts_in(language)
    return render_page(
        request,
        "operations/plan.html",
        language,
        staff=staff,
        status=status,
        form=form,
        errors=errors,
        groups=GROUPS,
        genders=GENDER_KEYS,
        # In the page's alphabetical order, as the officer reads the names.
        languages=sorted(
            operation_languages(),
            key=lambda c: name(f"inbox.language.{c}", fallback=c).casefold(),
        ),
        needs=OPERATION_NEEDS,
        limits=LIMITS,
        now=now,
    )


@router.get("/operations/{code}")
def operation_readiness(
    request: Request,
    staff: OperationViewerDep,
    plan: VisiblePlanDep,
    session: SessionDep,
    language: LanguageDep,
    planned: Annotated[str, Query(max_length=1)] = "",
) -> HTMLResponse:
    return render_page(
        request,
        "operations/readiness.html",
        language,
        staff=staff,
        code=plan.code,
        details=details_of(plan),
        released=plan.released_at is not None,
        readiness=readiness(session, plan),
        # Made when the plan was: they wait in the outbox until the worker sends them.
        queued=len(requests_of(session, plan)) if planned == JUST_PLANNED else None,
    )


@router.get("/operations/{code}/board")
def operation_board(
    request: Request,
    staff: OperationViewerDep,
    plan: VisiblePlanDep,
    session: SessionDep,
    language: LanguageDep,
) -> HTMLResponse:
    return render_page(
        request,
        "operations/board.html",
        language,
        staff=staff,
        code=plan.code,
        board=board(session, plan, now=datetime.now(UTC)),
    )
