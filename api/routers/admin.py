"""Account administration pages, for admins only: list accounts, add one, disable one, issue a
chat enrolment code, set up a TOTP second factor.

Secrets (enrolment codes, TOTP keys) are shown once, in the answer to the POST that made them,
and never again; password hashes are never shown. Every change is audited (by casework) with
the admin's address. Plain forms, each with the session's CSRF token; no scripts or inline
styles.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.deps import (
    CsrfField,
    LanguageDep,
    NowDep,
    SessionDep,
    Staff,
    check_csrf,
    client_address,
    staff_who,
)
from api.pages import PageRoute, render_page
from casework.account_models import StaffAccount, staff_accounts
from casework.account_rules import AccountError
from casework.accounts import create_account, disable_account
from casework.enrolment import CODE_TTL, EnrolmentError, issue_code
from casework.login import set_up_totp
from casework.roles import ROLES, may_manage_accounts, may_use_chat, uses_second_factor
from casework.totp import provisioning_uri

# Error codes of casework.account_rules.AccountError that have a text; others show "invalid".
_ACCOUNT_ERRORS = frozenset(
    {"role", "username", "password", "unit", "region", "organization", "duplicate", "disabled"}
)

router = APIRouter(tags=["admin"], route_class=PageRoute, include_in_schema=False)
AdminDep = Annotated[Staff, Depends(staff_who(may_manage_accounts))]
TextField = Annotated[str, Form(max_length=256)]


@dataclass(frozen=True)
class AccountAction:
    path: str  # under /admin/accounts/{id}/
    text: str  # the button's message id


@dataclass(frozen=True)
class AccountRow:
    account: StaffAccount
    state: str  # active, locked or disabled
    actions: list[AccountAction]


def _actions(account: StaffAccount, admin: Staff) -> list[AccountAction]:
    if account.disabled:
        return []
    offered = []
    if account.id != admin.account.id:
        offered.append(AccountAction("disable", "inbox.admin.disable"))
    if may_use_chat(account.role):
        offered.append(AccountAction("enrolment-code", "inbox.admin.enrol"))
    if uses_second_factor(account.role):
        offered.append(AccountAction("totp", "inbox.admin.totp"))
    return offered


def _row(account: StaffAccount, admin: Staff, now: datetime) -> AccountRow:
    if account.disabled:
        state = "disabled"
    elif account.is_locked(now):
        state = "locked"
    else:
        state = "active"
    return AccountRow(account, state, _actions(account, admin))


def _list_page(
    request: Request,
    session: Session,
    admin: Staff,
    language: str,
    now: datetime,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render_page(
        request,
        "admin/accounts.html",
        language,
        staff=admin,
        status=status,
        error=error,
        rows=[_row(account, admin, now) for account in staff_accounts(session)],
        roles=ROLES,
    )


def _error_code(error: AccountError) -> str:
    return error.code if error.code in _ACCOUNT_ERRORS else "invalid"


def _account(session: Session, account_id: int) -> StaffAccount:
    account = session.get(StaffAccount, account_id)
    if account is None:
        raise HTTPException(404)
    return account


@router.get("/admin")
def accounts_page(
    request: Request, admin: AdminDep, session: SessionDep, language: LanguageDep, now: NowDep
) -> HTMLResponse:
    return _list_page(request, session, admin, language, now)


@router.post("/admin/accounts")
def add_account(
    request: Request,
    admin: AdminDep,
    session: SessionDep,
    language: LanguageDep,
    now: NowDep,
    csrf: CsrfField = "",
    role: Annotated[str, Form(max_length=16)] = "",
    organization_id: TextField = "",
    username: TextField = "",
    password: Annotated[str, Form(max_length=4096)] = "",
    unit: TextField = "",
    region: TextField = "",
) -> Response:
    check_csrf(admin, csrf)
    try:
        create_account(
            session,
            role=role,
            organization_id=organization_id.strip(),
            username=username,
            password=password,
            unit=unit or None,
            region=region or None,
            now=now,
            actor=admin.account.username,
            source=client_address(request),
        )
        session.commit()
    except AccountError as error:
        session.rollback()
        return _list_page(
            request, session, admin, language, now, error=_error_code(error), status=422
        )
    except IntegrityError:
        # Another admin created the same username between our check and our insert.
        session.rollback()
        return _list_page(request, session, admin, language, now, error="duplicate", status=422)
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/accounts/{account_id}/disable")
def disable(
    account_id: int,
    request: Request,
    admin: AdminDep,
    session: SessionDep,
    language: LanguageDep,
    now: NowDep,
    csrf: CsrfField = "",
) -> Response:
    check_csrf(admin, csrf)
    account = _account(session, account_id)
    if account.id == admin.account.id:
        # The last admin locking themselves out would leave only the command line.
        return _list_page(request, session, admin, language, now, error="self", status=409)
    disable_account(
        session,
        account.username,
        now=now,
        actor=admin.account.username,
        source=client_address(request),
    )
    session.commit()
    return RedirectResponse("/admin", status_code=303)


def _secret_page(
    request: Request,
    admin: Staff,
    language: str,
    kind: str,
    username: str,
    secret: str,
    *,
    uri: str = "",
    expires: datetime | None = None,
) -> HTMLResponse:
    """`kind`: "code" (a chat enrolment code) or "totp" (a second factor's key)."""
    return render_page(
        request,
        "admin/secret.html",
        language,
        staff=admin,
        kind=kind,
        username=username,
        secret=secret,
        uri=uri,
        expires=expires,
    )


@router.post("/admin/accounts/{account_id}/enrolment-code")
def enrolment_code(
    account_id: int,
    request: Request,
    admin: AdminDep,
    session: SessionDep,
    language: LanguageDep,
    now: NowDep,
    csrf: CsrfField = "",
) -> Response:
    check_csrf(admin, csrf)
    account = _account(session, account_id)
    try:
        code = issue_code(
            session,
            account,
            issued_by=admin.account.username,
            now=now,
            source=client_address(request),
        )
    except EnrolmentError:
        session.rollback()
        return _list_page(request, session, admin, language, now, error="enrol", status=409)
    session.commit()
    return _secret_page(
        request, admin, language, "code", account.username, code, expires=now + CODE_TTL
    )


@router.post("/admin/accounts/{account_id}/totp")
def totp(
    account_id: int,
    request: Request,
    admin: AdminDep,
    session: SessionDep,
    language: LanguageDep,
    now: NowDep,
    csrf: CsrfField = "",
) -> Response:
    check_csrf(admin, csrf)
    account = _account(session, account_id)
    try:
        secret = set_up_totp(
            session,
            account,
            actor=admin.account.username,
            source=client_address(request),
            now=now,
        )
    except AccountError as error:
        session.rollback()
        return _list_page(
            request, session, admin, language, now, error=_error_code(error), status=409
        )
    session.commit()
    uri = provisioning_uri(secret, account.username)
    return _secret_page(request, admin, language, "totp", account.username, secret, uri=uri)
