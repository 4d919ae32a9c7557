"""Staff login of every role, and logout: the password step, then for coordinators and admins
with a second factor the TOTP code (casework.login), then the session cookie.

Plain HTML forms, no scripts. Every answer, errors and redirects included, is no-store.
"""

import hmac
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import (
    CsrfField,
    LanguageDep,
    NowDep,
    OptionalStaffDep,
    SessionDep,
    SettingsDep,
    StaffDep,
    check_csrf,
    client_address,
)
from api.login_form import login_form_page
from api.pages import PageRoute, render_page
from api.staff_login import (
    CODE_PATH,
    LOGIN_CSRF_COOKIE,
    LOGIN_PATH,
    MAX_NEXT,
    PENDING_COOKIE,
    SESSION_COOKIE,
    is_ours,
    landing,
    secure,
    signed_in,
)
from casework.account_models import WebSession
from casework.login import Outcome, finish_login, log_in, pending_login
from casework.web_sessions import csrf_ok, end_session

# Pages, not an API: they stay out of the OpenAPI document.
router = APIRouter(tags=["login"], route_class=PageRoute, include_in_schema=False)
NextQuery = Annotated[str | None, Query(alias="next", max_length=MAX_NEXT)]
NextField = Annotated[str, Form(alias="next", max_length=MAX_NEXT)]


@router.get("/intake/login")
def login_form(
    request: Request,
    settings: SettingsDep,
    language: LanguageDep,
    staff: OptionalStaffDep,
    next_path: NextQuery = None,
) -> Response:
    if staff is not None:
        return RedirectResponse(landing(staff.account, next_path), status_code=303)
    return login_form_page(request, settings, language, next_path)


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
    next_path: NextField = "",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode("utf-8")):
        return login_form_page(request, settings, language, next_path, error="expired", status=403)
    result = log_in(session, username, password, source=client_address(request), now=now)
    session.commit()  # a failed attempt counts towards the lockout, and every one is audited
    if result.token is None or result.account is None:
        return login_form_page(request, settings, language, next_path, error="failed", status=401)
    if result.outcome is Outcome.CODE_NEEDED:
        query = f"?next={quote(next_path, safe='/')}" if is_ours(next_path) else ""
        response = RedirectResponse(f"{CODE_PATH}{query}", status_code=303)
        response.set_cookie(
            PENDING_COOKIE,
            result.token,
            httponly=True,
            samesite="strict",
            secure=secure(settings),
            path=LOGIN_PATH,
        )
        return response
    return signed_in(result.account, result.token, next_path, settings)


def _code_page(
    request: Request,
    pending: WebSession,
    language: str,
    next_path: str | None,
    *,
    failed: bool,
    status: int,
) -> HTMLResponse:
    """The TOTP step, protected by the pending login's own CSRF token."""
    return render_page(
        request,
        "login/code.html",
        language,
        status=status,
        failed=failed,
        csrf=pending.csrf_token,
        next=next_path if is_ours(next_path) else "",
    )


@router.get("/intake/login/code")
def code_form(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    now: NowDep,
    next_path: NextQuery = None,
) -> Response:
    pending = pending_login(session, request.cookies.get(PENDING_COOKIE, ""), now=now)
    if pending is None:
        return RedirectResponse(LOGIN_PATH, status_code=303)
    return _code_page(request, pending, language, next_path, failed=False, status=200)


@router.post("/intake/login/code")
def submit_code(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
    now: NowDep,
    code: Annotated[str, Form(max_length=16)] = "",
    csrf: CsrfField = "",
    next_path: NextField = "",
) -> Response:
    pending = pending_login(session, request.cookies.get(PENDING_COOKIE, ""), now=now)
    if pending is None:
        return RedirectResponse(LOGIN_PATH, status_code=303)
    if not csrf_ok(pending, csrf):
        raise HTTPException(403)
    result = finish_login(session, pending, code, source=client_address(request), now=now)
    session.commit()  # a wrong code counts towards the lockout, and every try is audited
    if result.outcome is Outcome.SIGNED_IN and result.token and result.account:
        return signed_in(result.account, result.token, next_path, settings)
    if result.outcome is Outcome.REFUSED:
        return _code_page(request, pending, language, next_path, failed=True, status=401)
    # Locked or disabled meanwhile: the pending login has ended, start again from the password.
    return RedirectResponse(LOGIN_PATH, status_code=303)


@router.post("/intake/logout")
def logout(
    request: Request,
    staff: StaffDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    csrf: CsrfField = "",
) -> Response:
    check_csrf(staff, csrf)
    end_session(session, request.cookies.get(SESSION_COOKIE, ""), now=now)
    session.commit()
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=secure(settings), httponly=True, samesite="strict"
    )
    return response
