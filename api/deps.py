"""Dependencies the routes share: settings, policies and a database session per request, the
clock, the staff member logged in (with their role checked) and the language of their pages.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi import Path as PathParam
from sqlalchemy.orm import Session

from api.staff_login import SESSION_COOKIE, login_url, safe_next
from casework.account_models import StaffAccount, WebSession
from casework.policies import Policies
from casework.web_sessions import csrf_ok, session_for_token
from passage.config import Settings, get_settings, session_factory
from translations.catalog import SOURCE_LANGUAGE, shipped_catalogs


def database_session() -> Iterator[Session]:
    with session_factory()() as session:
        yield session


def domain_policies(request: Request) -> Policies:
    """The policies the app was created with (the runtime builds them from settings)."""
    policies: Policies = request.app.state.policies
    return policies


def current_time() -> datetime:
    return datetime.now(UTC)


SettingsDep = Annotated[Settings, Depends(get_settings)]
PoliciesDep = Annotated[Policies, Depends(domain_policies)]
SessionDep = Annotated[Session, Depends(database_session)]
NowDep = Annotated[datetime, Depends(current_time)]
# Ids are signed 64-bit integers in the database: a larger number in a URL names no row (422),
# where the driver would fail on it (SQLite: OverflowError, a 500).
RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]


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


@dataclass(frozen=True)
class Staff:
    account: StaffAccount
    web_session: WebSession


def optional_staff(request: Request, session: SessionDep, now: NowDep) -> Staff | None:
    token = request.cookies.get(SESSION_COOKIE)
    web_session = session_for_token(session, token, now=now) if token else None
    account = session.get(StaffAccount, web_session.account_id) if web_session else None
    if web_session is None or account is None:
        return None
    return Staff(account, web_session)


OptionalStaffDep = Annotated[Staff | None, Depends(optional_staff)]


def current_staff(request: Request, staff: OptionalStaffDep) -> Staff:
    """The logged-in member of staff; anyone else is sent to the login page (303)."""
    if staff is None:
        target = None
        if request.method == "GET":
            query = request.url.query
            target = request.url.path + (f"?{query}" if query else "")
        raise HTTPException(303, headers={"Location": login_url(safe_next(target))})
    return staff


StaffDep = Annotated[Staff, Depends(current_staff)]


def staff_who(may: Callable[[str], bool]) -> Callable[[Staff], Staff]:
    """A dependency: the logged-in member of staff if `may` (a casework.roles predicate) holds
    for their role; other roles are refused (403)."""

    def allowed_staff(staff: StaffDep) -> Staff:
        if not may(staff.account.role):
            raise HTTPException(403)
        return staff

    return allowed_staff


# Every form of a logged-in page carries the session's CSRF token in this field.
CsrfField = Annotated[str, Form(max_length=128)]


def check_csrf(staff: Staff, submitted: str) -> None:
    if not csrf_ok(staff.web_session, submitted):
        raise HTTPException(403)


def client_address(request: Request) -> str:
    """For the audit trail: the peer address (the proxy's, behind one that we do not trust)."""
    return request.client.host if request.client is not None else ""
