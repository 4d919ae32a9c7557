"""The intake inbox: where a provider's staff read the referrals sent to their organization and
accept or decline them; and the target of the link in a referral SMS.

Plain HTML forms, no scripts. The person's details are shown only as casework.intake_access
allows. Every answer, errors and redirects included, is no-store; the other security headers
come with every answer of the API (api.security_headers).
"""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from api.deps import (
    CsrfField,
    LanguageDep,
    NowDep,
    OptionalStaffDep,
    PoliciesDep,
    RowId,
    SessionDep,
    SettingsDep,
    Staff,
    check_csrf,
    staff_who,
)
from api.login_form import login_form_page
from api.officer_notices import tell_officers_now
from api.pages import PageRoute, render_page
from api.staff_login import HOME
from casework.intake_access import (
    DECLINE_REASONS,
    MAX_NOTE,
    LinkInvalid,
    NotYours,
    details_for_provider,
    open_link,
    referral_for_organization,
    referrals_for_organization,
    respond,
    withheld_from_police,
)
from casework.referral_models import Referral
from casework.referral_notes import note_for_provider
from casework.referral_policy import ReferralPolicy
from casework.referral_status import IllegalTransition, Reason, Status
from casework.roles import reads_inbox
from passage.config import Settings
from translations.catalog import shipped_catalogs

# Pages, not an API: they stay out of the OpenAPI document.
router = APIRouter(tags=["intake"], route_class=PageRoute, include_in_schema=False)
IntakeDep = Annotated[Staff, Depends(staff_who(reads_inbox))]


@dataclass(frozen=True)
class InboxRow:
    referral: Referral
    # Until the deadline, while it waits for an answer; None once answered.
    minutes_left: int | None


def _row(referral: Referral, now: datetime) -> InboxRow:
    if referral.status != Status.REQUESTED.value:
        return InboxRow(referral, None)
    return InboxRow(referral, math.ceil((referral.deadline_at - now).total_seconds() / 60))


@router.get("/intake")
def inbox(
    request: Request, staff: IntakeDep, session: SessionDep, language: LanguageDep, now: NowDep
) -> HTMLResponse:
    rows = [
        _row(referral, now)
        for referral in referrals_for_organization(session, staff.account.organization_id, now=now)
    ]
    return render_page(
        request,
        "inbox/list.html",
        language,
        staff=staff,
        pending=[row for row in rows if row.minutes_left is not None],
        others=[row for row in rows if row.minutes_left is None],
    )


def _own_referral(session: Session, referral_id: int, staff: Staff) -> Referral:
    try:
        return referral_for_organization(session, referral_id, staff.account.organization_id)
    except NotYours:
        raise HTTPException(403) from None
    except LookupError:
        raise HTTPException(404) from None


@router.get("/intake/referrals/{referral_id}")
def referral_page(
    request: Request,
    referral_id: RowId,
    staff: IntakeDep,
    session: SessionDep,
    language: LanguageDep,
    now: NowDep,
    policies: PoliciesDep,
) -> HTMLResponse:
    referral = _own_referral(session, referral_id, staff)
    details = details_for_provider(session, referral, now=now)
    withheld = withheld_from_police(session, referral, now=now)
    return render_page(
        request,
        "inbox/referral.html",
        language,
        staff=staff,
        referral=referral,
        details=details,
        # The officer's note is about the person: shown only with the person's details.
        officer_note=(
            note_for_provider(shipped_catalogs(), referral, policies.referrals.models_dir)
            if details is not None
            else []
        ),
        withheld_from_police=withheld,
        # A police unit that may not learn the case does not take it on either (casework.roles).
        answerable=referral.status == Status.REQUESTED.value and not withheld,
        reasons=DECLINE_REASONS,
        max_note=MAX_NOTE,
    )


def _answer(
    session: Session,
    settings: Settings,
    staff: Staff,
    referral_id: int,
    *,
    policy: ReferralPolicy,
    accept: bool,
    reason: Reason | None,
    note: str | None,
    now: datetime,
) -> Response:
    referral = _own_referral(session, referral_id, staff)
    if withheld_from_police(session, referral, now=now):
        raise HTTPException(403)
    try:
        respond(
            session,
            referral,
            accept=accept,
            reason=reason,
            note=note,
            actor=f"intake:{staff.account.username}",
            policy=policy,
            now=now,
        )
    except IllegalTransition:
        raise HTTPException(409) from None
    session.commit()
    return RedirectResponse(
        f"{HOME}/referrals/{referral.id}",
        status_code=303,
        background=BackgroundTask(tell_officers_now, settings),
    )


@router.post("/intake/referrals/{referral_id}/accept")
def accept_referral(
    referral_id: RowId,
    staff: IntakeDep,
    session: SessionDep,
    settings: SettingsDep,
    policies: PoliciesDep,
    now: NowDep,
    csrf: CsrfField = "",
) -> Response:
    check_csrf(staff, csrf)
    return _answer(
        session,
        settings,
        staff,
        referral_id,
        policy=policies.referrals,
        accept=True,
        reason=None,
        note=None,
        now=now,
    )


@router.post("/intake/referrals/{referral_id}/decline")
def decline_referral(
    referral_id: RowId,
    staff: IntakeDep,
    session: SessionDep,
    settings: SettingsDep,
    policies: PoliciesDep,
    now: NowDep,
    csrf: CsrfField = "",
    reason: Annotated[str, Form(max_length=32)] = Reason.OTHER.value,
    note: Annotated[str, Form(max_length=MAX_NOTE)] = "",
) -> Response:
    check_csrf(staff, csrf)
    chosen = next((r for r in DECLINE_REASONS if r.value == reason), None)
    if chosen is None:
        raise HTTPException(422)
    return _answer(
        session,
        settings,
        staff,
        referral_id,
        policy=policies.referrals,
        accept=False,
        reason=chosen,
        note=note,
        now=now,
    )


@router.get("/r/{token}")
def sms_link(
    token: str,
    request: Request,
    staff: OptionalStaffDep,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
    now: NowDep,
) -> Response:
    """The link in a referral SMS. Logged out, it shows only the login form: messaging apps
    fetch links for previews, so the page must not say what the referral is."""
    if staff is None:
        return login_form_page(request, settings, language, f"/r/{token}")
    if not reads_inbox(staff.account.role):
        raise HTTPException(403)
    try:
        referral = open_link(session, token, staff.account.organization_id, now=now)
    except LinkInvalid:
        raise HTTPException(410) from None
    except NotYours:
        session.commit()  # the refused attempt is audited
        raise HTTPException(403) from None
    session.commit()
    return RedirectResponse(f"{HOME}/referrals/{referral.id}", status_code=303)
