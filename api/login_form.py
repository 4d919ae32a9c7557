"""The password form of staff login, shown at /intake/login and, to strangers, at an SMS link.

Login CSRF is a double submit: the form's token is also in a cookie only our login path reads.
"""

import re
import secrets

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.pages import render_page
from api.staff_login import HOME, LOGIN_CSRF_COOKIE, is_ours, secure
from passage.config import Settings

_CSRF_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def login_form_page(
    request: Request,
    settings: Settings,
    language: str,
    next_path: str | None,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """`error` names the text shown above the form: "failed" or "expired"."""
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not _CSRF_TOKEN.fullmatch(csrf):
        csrf = secrets.token_urlsafe(32)
    response = render_page(
        request,
        "login/password.html",
        language,
        status=status,
        error=error,
        csrf=csrf,
        next=next_path if is_ours(next_path) else "",
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="strict",
        secure=secure(settings),
        path=HOME,
    )
    return response
