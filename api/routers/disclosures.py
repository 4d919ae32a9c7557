"""Who read or changed a case, for the people who may see the case (casework.disclosures).

An officer, caseworker or coordinator looks a case up by its reference; intake staff and
admins never see cases, so they are refused before any lookup.
"""

import html
from pathlib import Path
from string import Template
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.dependencies import SessionDep
from api.routers.intake_inbox import (
    LanguageDep,
    NowDep,
    Staff,
    StaffDep,
    _hidden,
    _page,
    _PageRoute,
    _text,
    client_address,
)
from casework.cases import find_case
from casework.disclosures import NotAllowed, disclosure_log
from casework.references import InvalidReference, normalize_reference
from casework.referral_models import AuditEntry
from casework.roles import CHAT_ROLES

_TEMPLATES = Path(__file__).parents[1] / "templates"
_LOOKUP = Template((_TEMPLATES / "case_lookup.html").read_text(encoding="utf-8"))
_LOG = Template((_TEMPLATES / "disclosures.html").read_text(encoding="utf-8"))

router = APIRouter(tags=["disclosures"], route_class=_PageRoute, include_in_schema=False)


def case_viewer(staff: StaffDep) -> Staff:
    """Someone whose role may see cases at all; whether this case, casework.roles decides."""
    if staff.account.role not in CHAT_ROLES:
        raise HTTPException(403)
    return staff


CaseViewerDep = Annotated[Staff, Depends(case_viewer)]


def _canonical(text: str) -> str | None:
    try:
        return normalize_reference(text)
    except InvalidReference:
        return None


@router.get("/cases")
def case_lookup(
    staff: CaseViewerDep,
    language: LanguageDep,
    reference: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    found = _canonical(reference) if reference else None
    if found is not None:
        return RedirectResponse(f"/cases/{found}/disclosures", status_code=303)
    failed = reference is not None
    heading = _text("cases.title", language)
    content = _LOOKUP.substitute(
        heading=heading,
        intro=_text("cases.intro", language),
        error=_text("cases.invalid", language) if failed else "",
        error_hidden=_hidden(not failed),
        reference_label=_text("cases.reference", language),
        submit=_text("cases.submit", language),
    )
    return _page(language, heading, content, staff, status=422 if failed else 200)


def _row(entry: AuditEntry) -> str:
    cells = (
        f"{entry.at:%Y-%m-%d %H:%M:%S} UTC",
        entry.actor,
        entry.action,
        entry.outcome,
        entry.source,
        entry.purpose,
    )
    return "    <tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"


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
    heading = _text("disclosures.title", language, reference=case.reference)
    content = _LOG.substitute(
        back=_text("disclosures.back", language),
        heading=heading,
        intro=_text("disclosures.intro", language),
        empty=_text("disclosures.empty", language),
        empty_hidden=_hidden(bool(entries)),
        table_hidden=_hidden(not entries),
        when=_text("disclosures.when", language),
        who=_text("disclosures.who", language),
        action=_text("disclosures.action", language),
        outcome=_text("disclosures.outcome", language),
        source=_text("disclosures.source", language),
        purpose=_text("disclosures.purpose", language),
        rows="\n".join(_row(entry) for entry in entries),
    )
    return _page(language, heading, content, staff)
