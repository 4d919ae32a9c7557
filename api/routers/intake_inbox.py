"""The intake inbox: web pages where a provider's staff log in, read the referrals sent to their
organization, and accept or decline them; and the target of the link in a referral SMS.

Plain HTML forms, no scripts. The person's details are shown only as casework.intake_access
allows. Every answer of these routes, errors and redirects included, is no-store; the other
security headers come with every answer of the API (api.security_headers).
"""

import hmac
import html
import math
import re
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Template
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.dependencies import PoliciesDep, RowId, SessionDep, SettingsDep
from api.officer_notices import tell_officers_now
from casework.accounts import (
    StaffAccount,
    WebSession,
    csrf_ok,
    end_session,
    session_for_token,
)
from casework.intake_access import (
    DECLINE_REASONS,
    MAX_NOTE,
    LinkInvalid,
    NotYours,
    ProviderDetails,
    details_for_provider,
    open_link,
    referral_for_organization,
    referrals_for_organization,
    respond,
)
from casework.login import Outcome, log_in
from casework.referral_models import Referral
from casework.referral_policy import ReferralPolicy
from casework.referral_status import IllegalTransition, Reason, Status
from casework.roles import ADMIN, INTAKE
from passage.config import Settings
from translations.catalog import SOURCE_LANGUAGE, UnknownMessage, shipped_catalogs

SESSION_COOKIE = "passage_intake"
LOGIN_CSRF_COOKIE = "passage_login_csrf"
# Between the password and the TOTP code (casework.login); read only by the code step.
PENDING_COOKIE = "passage_login_pending"
# The middleware marks only HTML no-store; here redirects too, as they follow a login.
NO_STORE = {"Cache-Control": "no-store"}
HOME = "/intake"
_TEMPLATES = Path(__file__).parents[1] / "templates"
# Where a login may lead back to: our own pages only, never another host ("//host", "/\host").
_NEXT = re.compile(
    r"/(?:(?:intake|admin|cases)(?:[/?][\x21-\x5b\x5d-\x7e]*)?|r/[A-Za-z0-9_-]{1,64})"
)
# Where each role lands after login when no page was asked for; the chat roles' web page is
# the disclosure lookup (api.routers.disclosures).
_ROLE_HOMES = {INTAKE: HOME, ADMIN: "/admin"}
_CHAT_ROLES_HOME = "/cases"
_MAX_NEXT = 512
_ERROR_TEXTS = {403: "forbidden", 404: "not_found", 409: "conflict", 410: "link_gone"}


def _template(name: str) -> Template:
    return Template((_TEMPLATES / f"intake_{name}.html").read_text(encoding="utf-8"))


_LAYOUT = _template("layout")
_ACCOUNT = _template("logout")
_LOGIN = _template("login")
_LIST = _template("list")
_ROW = _template("row")
_DETAIL = _template("detail")
_DETAILS = _template("details")
_RESPOND = _template("respond")
_MESSAGE = _template("message")


@dataclass(frozen=True)
class Staff:
    account: StaffAccount
    web_session: WebSession


def current_time() -> datetime:
    return datetime.now(UTC)


NowDep = Annotated[datetime, Depends(current_time)]


def page_language(request: Request) -> str:
    """`?lang=` if we ship it, else the first shipped language the browser asks for, else en."""
    shipped = shipped_catalogs().languages
    chosen = request.query_params.get("lang")
    if chosen in shipped:
        return chosen
    for tag in _accepted_languages(request.headers.get("accept-language", "")):
        primary = tag.split("-", 1)[0].lower()
        if primary in shipped:
            return primary
    return SOURCE_LANGUAGE


def _accepted_languages(header: str) -> list[str]:
    """The tags of an Accept-Language header, most wanted first (q=0 means "not this")."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:32]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


LanguageDep = Annotated[str, Depends(page_language)]


def _text(key: str, language: str, **values: object) -> str:
    return html.escape(shipped_catalogs().render(f"inbox.{key}", language, **values))


def _catalog_text(message_id: str, language: str, fallback: str | None = None) -> str:
    """A catalog text; `fallback` where it may be missing (a code we have no name for)."""
    try:
        return html.escape(shipped_catalogs().render(message_id, language))
    except UnknownMessage:
        if fallback is None:
            raise
        return html.escape(fallback)


def _hidden(condition: bool) -> str:
    return " hidden" if condition else ""


def _page(
    language: str, title: str, content: str, staff: Staff | None = None, status: int = 200
) -> HTMLResponse:
    account = ""
    if staff is not None:
        account = _ACCOUNT.substitute(
            csrf=html.escape(staff.web_session.csrf_token),
            username=html.escape(staff.account.username),
            logout=_text("logout", language),
        )
    body = _LAYOUT.substitute(
        language=html.escape(language),
        title=title,
        brand=_text("brand", language),
        account=account,
        content=content,
    )
    return HTMLResponse(body, status_code=status)


def _message_page(language: str, status: int) -> HTMLResponse:
    key = _ERROR_TEXTS.get(status, "invalid" if status in (400, 422) else "other")
    heading = _text(f"error.{key}.title", language)
    content = _MESSAGE.substitute(
        heading=heading, text=_text(f"error.{key}.text", language), back=_text("back", language)
    )
    return _page(language, heading, content, status=status)


class _PageRoute(APIRoute):
    """Makes every answer no-store, and shows errors as pages in their language."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except StarletteHTTPException as error:
                location = (error.headers or {}).get("Location")
                if error.status_code == 303 and location:
                    response = RedirectResponse(location, status_code=303)
                else:
                    response = _message_page(page_language(request), error.status_code)
            except RequestValidationError:
                response = _message_page(page_language(request), 422)
            response.headers.update(NO_STORE)
            return response

        return page_handler


# Pages, not an API: they stay out of the OpenAPI document.
router = APIRouter(tags=["intake"], route_class=_PageRoute, include_in_schema=False)


def optional_staff(request: Request, session: SessionDep, now: NowDep) -> Staff | None:
    token = request.cookies.get(SESSION_COOKIE)
    web_session = session_for_token(session, token, now=now) if token else None
    account = session.get(StaffAccount, web_session.account_id) if web_session else None
    if web_session is None or account is None:
        return None
    return Staff(account, web_session)


def _login_url(target: str) -> str:
    return f"{HOME}/login?next={quote(target, safe='/')}"


def current_staff(
    request: Request, staff: Annotated[Staff | None, Depends(optional_staff)]
) -> Staff:
    """The logged-in member of staff; anyone else is sent to the login page (303)."""
    if staff is None:
        target = HOME
        if request.method == "GET":
            query = request.url.query
            target = request.url.path + (f"?{query}" if query else "")
        raise HTTPException(303, headers={"Location": _login_url(_safe_next(target))})
    return staff


StaffDep = Annotated[Staff, Depends(current_staff)]
OptionalStaffDep = Annotated[Staff | None, Depends(optional_staff)]


def intake_staff(staff: StaffDep) -> Staff:
    """A member of a provider's intake staff; other roles have no inbox (403)."""
    if staff.account.role != INTAKE:
        raise HTTPException(403)
    return staff


IntakeDep = Annotated[Staff, Depends(intake_staff)]
CsrfField = Annotated[str, Form(max_length=128)]


def _safe_next(value: str | None) -> str:
    if value and len(value) <= _MAX_NEXT and _NEXT.fullmatch(value):
        return value
    return HOME


def landing(account: StaffAccount, next_path: str | None) -> str:
    """The page asked for if it is one of ours, else the role's home."""
    if next_path and len(next_path) <= _MAX_NEXT and _NEXT.fullmatch(next_path):
        return next_path
    return _ROLE_HOMES.get(account.role, _CHAT_ROLES_HOME)


def client_address(request: Request) -> str:
    """For the audit trail: the peer address (the proxy's, behind one that we do not trust)."""
    return request.client.host if request.client is not None else ""


def _secure(settings: Settings) -> bool:
    return settings.resolved_public_base_url.startswith("https://")


def _login_page(
    request: Request,
    settings: Settings,
    language: str,
    next_path: str | None,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The login form; it names nothing, as link previews fetch it (login CSRF: double submit)."""
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", csrf):
        csrf = secrets.token_urlsafe(32)
    heading = _text("login.title", language)
    content = _LOGIN.substitute(
        heading=heading,
        intro=_text("login.intro", language),
        error=_text(f"login.{error}", language) if error else "",
        error_hidden=_hidden(error is None),
        csrf=html.escape(csrf),
        next=html.escape(next_path if next_path and _NEXT.fullmatch(next_path) else ""),
        username_label=_text("login.username", language),
        password_label=_text("login.password", language),
        submit=_text("login.submit", language),
    )
    response = _page(language, heading, content, status=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="strict",
        secure=_secure(settings),
        path=HOME,
    )
    return response


@router.get("/intake/login")
def login_form(
    request: Request,
    settings: SettingsDep,
    language: LanguageDep,
    staff: OptionalStaffDep,
    next_path: Annotated[str | None, Query(alias="next", max_length=_MAX_NEXT)] = None,
) -> Response:
    if staff is not None:
        return RedirectResponse(landing(staff.account, next_path), status_code=303)
    return _login_page(request, settings, language, next_path)


@router.post("/intake/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
    now: NowDep,
    username: Annotated[str, Form(max_length=256)] = "",
    password: Annotated[str, Form(max_length=4096)] = "",
    csrf: CsrfField = "",
    next_path: Annotated[str, Form(alias="next", max_length=_MAX_NEXT)] = "",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode("utf-8")):
        return _login_page(request, settings, language, next_path, error="expired", status=403)
    result = log_in(session, username, password, source=client_address(request), now=now)
    session.commit()  # a failed attempt counts towards the lockout, and every one is audited
    if result.token is None or result.account is None:
        return _login_page(request, settings, language, next_path, error="failed", status=401)
    if result.outcome is Outcome.CODE_NEEDED:
        # The TOTP step (api.routers.login_code) finishes the login.
        query = f"?next={quote(next_path, safe='/')}" if _NEXT.fullmatch(next_path) else ""
        response = RedirectResponse(f"{HOME}/login/code{query}", status_code=303)
        response.set_cookie(
            PENDING_COOKIE,
            result.token,
            httponly=True,
            samesite="strict",
            secure=_secure(settings),
            path=f"{HOME}/login",
        )
        return response
    return signed_in(result.account, result.token, next_path, settings)


def signed_in(
    account: StaffAccount, token: str, next_path: str | None, settings: Settings
) -> Response:
    """The answer to a finished login: the session cookie, and on to the page asked for."""
    response = RedirectResponse(landing(account, next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(settings),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=HOME, secure=_secure(settings), httponly=True)
    response.delete_cookie(
        PENDING_COOKIE, path=f"{HOME}/login", secure=_secure(settings), httponly=True
    )
    return response


def _require_csrf(staff: Staff, submitted: str) -> None:
    if not csrf_ok(staff.web_session, submitted):
        raise HTTPException(403)


@router.post("/intake/logout")
def logout(
    request: Request,
    staff: StaffDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    csrf: CsrfField = "",
) -> Response:
    _require_csrf(staff, csrf)
    end_session(session, request.cookies.get(SESSION_COOKIE, ""), now=now)
    session.commit()
    response = RedirectResponse(f"{HOME}/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=_secure(settings), httponly=True, samesite="strict"
    )
    return response


def _minutes_left(referral: Referral, now: datetime) -> int:
    return math.ceil((referral.deadline_at - now).total_seconds() / 60)


def _row(referral: Referral, language: str, now: datetime) -> str:
    if referral.status == Status.REQUESTED.value:
        minutes = _minutes_left(referral, now)
        state = (
            _text("list.minutes_left", language, minutes=minutes)
            if minutes > 0
            else _text("list.overdue", language)
        )
    else:
        state = _catalog_text(f"referral.status.{referral.status}", language)
    return _ROW.substitute(
        id=referral.id,
        code=html.escape(referral.code),
        category=_catalog_text(f"sms.category.{referral.category}", language, referral.category),
        urgent=_text("list.urgent", language),
        urgent_hidden=_hidden(not referral.urgent),
        state=state,
    )


@router.get("/intake")
def inbox(
    staff: IntakeDep, session: SessionDep, language: LanguageDep, now: NowDep
) -> HTMLResponse:
    referrals = referrals_for_organization(session, staff.account.organization_id, now=now)
    pending = [r for r in referrals if r.status == Status.REQUESTED.value]
    others = [r for r in referrals if r.status != Status.REQUESTED.value]
    heading = _text("list.title", language)
    content = _LIST.substitute(
        heading=heading,
        pending_heading=_text("list.pending", language),
        pending_empty=_text("list.pending_empty", language),
        pending_empty_hidden=_hidden(bool(pending)),
        pending_rows="\n".join(_row(r, language, now) for r in pending),
        others_heading=_text("list.others", language),
        others_empty=_text("list.others_empty", language),
        others_empty_hidden=_hidden(bool(others)),
        other_rows="\n".join(_row(r, language, now) for r in others),
    )
    return _page(language, heading, content, staff)


def _own_referral(session: Session, referral_id: int, staff: Staff) -> Referral:
    try:
        return referral_for_organization(session, referral_id, staff.account.organization_id)
    except NotYours:
        raise HTTPException(403) from None
    except LookupError:
        raise HTTPException(404) from None


def _details(details: ProviderDetails | None, language: str) -> str:
    if details is None:
        return f'<p class="hint">{_text("detail.no_details", language)}</p>'
    needs = "".join(f"<li>{_catalog_text(f'need.{n}', language, n)}</li>" for n in details.need_ids)
    people = "sms.people.child" if details.presumed_child else "sms.people.adult"
    code = details.person_language
    return _DETAILS.substitute(
        heading=_text("detail.person", language),
        needs_label=_text("detail.needs", language),
        needs=needs,
        people_label=_text("detail.people", language),
        people=_catalog_text(people, language),
        gender_label=_text("detail.gender", language),
        gender=_catalog_text(f"inbox.gender.{details.gender}", language) if details.gender else "",
        gender_hidden=_hidden(details.gender is None),
        language_label=_text("detail.language", language),
        language=_catalog_text(f"inbox.language.{code}", language, code) if code else "",
        language_hidden=_hidden(details.person_language is None),
        urgent_label=_text("detail.urgent", language),
        urgent=_text("detail.yes" if details.urgent else "detail.no", language),
        deadline_label=_text("detail.deadline", language),
        deadline=html.escape(f"{details.deadline:%Y-%m-%d %H:%M} UTC"),
        contact_hint=_text("detail.contact_hint", language),
    )


def _respond_forms(referral: Referral, staff: Staff, language: str) -> str:
    if referral.status != Status.REQUESTED.value:
        return ""
    reasons = "\n".join(
        f'        <option value="{reason.value}">'
        f"{_catalog_text(f'referral.reason.{reason.value}', language)}</option>"
        for reason in DECLINE_REASONS
    )
    return _RESPOND.substitute(
        heading=_text("detail.respond", language),
        id=referral.id,
        csrf=html.escape(staff.web_session.csrf_token),
        accept=_text("detail.accept", language),
        reason_label=_text("detail.reason", language),
        reasons=reasons,
        note_label=_text("detail.note", language),
        max_note=MAX_NOTE,
        decline=_text("detail.decline", language),
    )


@router.get("/intake/referrals/{referral_id}")
def referral_page(
    referral_id: RowId, staff: IntakeDep, session: SessionDep, language: LanguageDep, now: NowDep
) -> HTMLResponse:
    referral = _own_referral(session, referral_id, staff)
    details = details_for_provider(session, referral, now=now)
    heading = _text("detail.title", language, code=referral.code)
    content = _DETAIL.substitute(
        back=_text("back", language),
        heading=heading,
        status_label=_text("detail.status", language),
        status=_catalog_text(f"referral.status.{referral.status}", language),
        category_label=_text("detail.category", language),
        category=_catalog_text(f"sms.category.{referral.category}", language, referral.category),
        reason_label=_text("detail.reason", language),
        reason=(
            _catalog_text(f"referral.reason.{referral.status_reason}", language)
            if referral.status_reason
            else ""
        ),
        reason_hidden=_hidden(referral.status_reason is None),
        note_label=_text("detail.note", language),
        note=html.escape(referral.status_text or ""),
        note_hidden=_hidden(not referral.status_text),
        details=_details(details, language),
        respond=_respond_forms(referral, staff, language),
    )
    return _page(language, heading, content, staff)


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
    _require_csrf(staff, csrf)
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
    _require_csrf(staff, csrf)
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
        return _login_page(request, settings, language, f"/r/{token}")
    if staff.account.role != INTAKE:
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
