"""Who read or changed a case, for the people who may see the case (casework.disclosures).

An officer, caseworker or coordinator looks a case up by its reference; intake staff and
admins never see cases, so they are refused before any lookup.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import LanguageDep, NowDep, SessionDep, Staff, client_address, staff_who
from api.pages import PageRoute, render_page
from casework.cases import find_case
from casework.disclosures import NotAllowed, disclosure_log
from casework.references import InvalidReference, normalize_reference
from casework.roles import may_look_up_cases

router = APIRouter(tags=["disclosures"], route_class=PageRoute, include_in_schema=False)
# Whether this case, casework.disclosures decides.
CaseViewerDep = Annotated[Staff, Depends(staff_who(may_look_up_cases))]


def _canonical(text: str) -> str | None:
    try:
        return normalize_reference(text)
    except InvalidReference:
        return None


@router.get("/cases")
def case_lookup(
    request: Request,
    staff: CaseViewerDep,
    language: LanguageDep,
    reference: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    found = _canonical(reference) if reference else None
    if found is not None:
        return RedirectResponse(f"/cases/{found}/disclosures", status_code=303)
    failed = reference is not None
    return render_page(
        request,
        "cases/lookup.html",
        language,
        staff=staff,
        status=422 if failed else 200,
        failed=failed,
    )


@router.get("/cases/{reference}/disclosures")
def disclosures(
    reference: str,
    request: Request,
    staff: CaseViewerDep,
    session: SessionDep,
    language: LanguageDep,
    now: NowDep,
) -> HTMLResponse:
    canonical = _canonical(reference)
    case = find_case(session, canonical) if canonical is not None else None
    if case is None:
        raise HTTPException(404)
    try:
        entries = disclosure_log(
            session, case, staff.account, source=client_address(request), now=now
        )
    except NotAllowed:
        session.commit()  # the refused attempt stays in the trail
        # 404 like a missing case: a 403 would tell a prober that the reference exists.
        raise HTTPException(404) from None
    session.commit()
    return render_page(
        request,
        "cases/disclosures.html",
        language,
        staff=staff,
        reference=case.reference,
        entries=entries,
    )
