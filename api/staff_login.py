"""What staff login leaves in the browser and where it leads: its cookies, the pages a login may
lead back to, and each role's home page.

Login itself (both steps) is api.routers.login; its form is api.login_form, which the SMS link
shows too (api.routers.inbox); every staff page reads the session cookie (api.deps).
"""

import re
from urllib.parse import quote

from fastapi.responses import RedirectResponse, Response

from casework.account_models import StaffAccount
from casework.roles import may_manage_accounts, reads_inbox
from passage.config import Settings

SESSION_COOKIE = "passage_intake"
LOGIN_CSRF_COOKIE = "passage_login_csrf"
# Between the password and the TOTP code (casework.login); read only by the code step.
PENDING_COOKIE = "passage_login_pending"
HOME = "/intake"
LOGIN_PATH = f"{HOME}/login"
CODE_PATH = f"{LOGIN_PATH}/code"
ADMIN_HOME = "/admin"
# The chat roles' web page is the disclosure lookup (api.routers.disclosures).
CASES_HOME = "/cases"
MAX_NEXT = 512
# Where a login may lead back to: our own pages only, never another host ("//host", "/\host").
_NEXT = re.compile(
    r"/(?:(?:intake|admin|cases|operations)(?:[/?][\x21-\x5b\x5d-\x7e]*)?|r/[A-Za-z0-9_-]{1,64})"
)


def is_ours(path: str | None) -> bool:
    return path is not None and 0 < len(path) <= MAX_NEXT and _NEXT.fullmatch(path) is not None


def safe_next(path: str | None) -> str:
    return path if path is not None and is_ours(path) else HOME


def login_url(target: str) -> str:
    return f"{LOGIN_PATH}?next={quote(target, safe='/')}"


def role_home(role: str) -> str:
    if reads_inbox(role):
        return HOME
    if may_manage_accounts(role):
        return ADMIN_HOME
    return CASES_HOME


def landing(account: StaffAccount, next_path: str | None) -> str:
    """The page asked for if it is one of ours, else the role's home."""
    return next_path if next_path is not None and is_ours(next_path) else role_home(account.role)


def secure(settings: Settings) -> bool:
    return settings.resolved_public_base_url.startswith("https://")


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
        secure=secure(settings),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=HOME, secure=secure(settings), httponly=True)
    response.delete_cookie(PENDING_COOKIE, path=LOGIN_PATH, secure=secure(settings), httponly=True)
    return response
