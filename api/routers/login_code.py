"""The second step of web login: the TOTP code of a coordinator or admin (casework.login).

The password step (api.routers.intake_inbox.login) leaves a pending-login cookie; this page
takes the code, protected by the pending login's own CSRF token, and sets the session cookie.
"""

import html
from pathlib import Path
from string import Template
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.dependencies import SessionDep, SettingsDep
from api.routers.intake_inbox import (
    _MAX_NEXT,
    _NEXT,
    HOME,
    PENDING_COOKIE,
    CsrfField,
    LanguageDep,
    NowDep,
    _hidden,
    _page,
    _PageRoute,
    _text,
    client_address,
    signed_in,
)
from casework.accounts import WebSession, csrf_ok
from casework.login import Outcome, finish_login, pending_login

_FORM = Template(
    (Path(__file__).parents[1] / "templates" / "login_code.html").read_text(encoding="utf-8")
)
_LOGIN = f"{HOME}/login"

router = APIRouter(tags=["login"], route_class=_PageRoute, include_in_schema=False)


def _code_page(
    pending: WebSession, language: str, next_path: str | None, *, failed: bool, status: int
) -> HTMLResponse:
    heading = _text("code.title", language)
    content = _FORM.substitute(
        heading=heading,
        intro=_text("code.intro", language),
        error=_text("code.failed", language) if failed else "",
        error_hidden=_hidden(not failed),
        csrf=html.escape(pending.csrf_token),
        next=html.escape(next_path if next_path and _NEXT.fullmatch(next_path) else ""),
        code_label=_text("code.label", language),
        submit=_text("code.submit", language),
    )
    return _page(language, heading, content, status=status)


@router.get("/intake/login/code")
def code_form(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    now: NowDep,
    next_path: Annotated[str | None, Query(alias="next", max_length=_MAX_NEXT)] = None,
) -> Response:
    pending = pending_login(session, request.cookies.get(PENDING_COOKIE, ""), now=now)
    if pending is None:
        return RedirectResponse(_LOGIN, status_code=303)
    return _code_page(pending, language, next_path, failed=False, status=200)


@router.post("/intake/login/code")
def submit_code(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    language: LanguageDep,
    now: NowDep,
    code: Annotated[str, Form(max_length=16)] = "",
    csrf: CsrfField = "",
    next_path: Annotated[str, Form(alias="next", max_length=_MAX_NEXT)] = "",
) -> Response:
    pending = pending_login(session, request.cookies.get(PENDING_COOKIE, ""), now=now)
    if pending is None:
        return RedirectResponse(_LOGIN, status_code=303)
    if not csrf_ok(pending, csrf):
        raise HTTPException(403)
    result = finish_login(session, pending, code, source=client_address(request), now=now)
    session.commit()  # a wrong code counts towards the lockout, and every try is audited
    if result.outcome is Outcome.SIGNED_IN and result.token and result.account:
        return signed_in(result.account, result.token, next_path, settings)
    if result.outcome is Outcome.REFUSED:
        return _code_page(pending, language, next_path, failed=True, status=401)
    # Locked or disabled meanwhile: the pending login has ended, start again from the password.
    return RedirectResponse(_LOGIN, status_code=303)
