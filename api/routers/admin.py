"""Account administration pages, for admins only: list accounts, add one, disable one, issue a
chat enrolment code, set up a TOTP second factor.

Secrets (enrolment codes, TOTP keys) are shown once, in the answer to the POST that made them,
and never again; password hashes are never shown. Every change is audited with the admin's
address. Plain forms, each with the session's CSRF token; no scripts or inline styles.
"""

import html
from datetime import datetime
from pathlib import Path
from string import Template
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.dependencies import SessionDep
from api.routers.intake_inbox import (
    CsrfField,
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
from casework.accounts import (
    AccountError,
    StaffAccount,
    create_account,
    csrf_ok,
    disable_account,
    staff_accounts,
)
from casework.audit import record_audit
from casework.enrolment import CODE_TTL, EnrolmentError, issue_code
from casework.login import set_up_totp
from casework.roles import ADMIN, ROLES, SECOND_FACTOR_ROLES, may_use_chat
from casework.totp import provisioning_uri

PURPOSE = "administration"
_TEMPLATES = Path(__file__).parents[1] / "templates"


def _template(name: str) -> Template:
    return Template((_TEMPLATES / f"admin{name}.html").read_text(encoding="utf-8"))


_LIST = _template("")
_ROW = _template("_row")
_ACTION = _template("_action")
_SECRET = _template("_secret")
# Error codes of casework.accounts.AccountError that have a text; others show "invalid".
_ACCOUNT_ERRORS = frozenset(
    {"role", "username", "password", "unit", "region", "organization", "duplicate", "disabled"}
)

router = APIRouter(tags=["admin"], route_class=_PageRoute, include_in_schema=False)


def admin_staff(staff: StaffDep) -> Staff:
    if staff.account.role != ADMIN:
        raise HTTPException(403)
    return staff


AdminDep = Annotated[Staff, Depends(admin_staff)]
TextField = Annotated[str, Form(max_length=256)]


def _checked(admin: Staff, csrf: str) -> None:
    if not csrf_ok(admin.web_session, csrf):
        raise HTTPException(403)


def _audit(
    session: Session, admin: Staff, request: Request, action: str, target: str, now: datetime
) -> None:
    record_audit(
        session,
        actor=admin.account.username,
        action=action,
        outcome="done",
        detail=f"account={target}",
        source=client_address(request),
        purpose=PURPOSE,
        now=now,
    )


def _actions(account: StaffAccount, admin: Staff, language: str) -> str:
    offered = []
    if not account.disabled and account.id != admin.account.id:
        offered.append(("disable", "admin.disable"))
    if not account.disabled and may_use_chat(account.role):
        offered.append(("enrolment-code", "admin.enrol"))
    if not account.disabled and account.role in SECOND_FACTOR_ROLES:
        offered.append(("totp", "admin.totp"))
    return "".join(
        _ACTION.substitute(
            id=account.id,
            action=action,
            csrf=html.escape(admin.web_session.csrf_token),
            label=_text(key, language),
        )
        for action, key in offered
    )


def _row(account: StaffAccount, admin: Staff, language: str, now: datetime) -> str:
    if account.disabled:
        state = "admin.state.disabled"
    elif account.is_locked(now):
        state = "admin.state.locked"
    else:
        state = "admin.state.active"
    return _ROW.substitute(
        username=html.escape(account.username),
        role=_text(f"admin.role.{account.role}", language),
        organization=html.escape(account.organization_id),
        unit=html.escape(account.unit or ""),
        region=html.escape(account.region or ""),
        state=_text(state, language),
        second_factor=_text("detail.yes" if account.totp_secret else "detail.no", language),
        actions=_actions(account, admin, language),
    )


def _list_page(
    session: Session,
    admin: Staff,
    language: str,
    now: datetime,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    heading = _text("admin.title", language)
    options = "\n".join(
        f'      <option value="{role}">{_text(f"admin.role.{role}", language)}</option>'
        for role in ROLES
    )
    content = _LIST.substitute(
        heading=heading,
        error=_text(f"admin.error.{error}", language) if error else "",
        error_hidden=_hidden(error is None),
        username=_text("admin.username", language),
        role=_text("admin.role", language),
        organization=_text("admin.organization", language),
        unit=_text("admin.unit", language),
        region=_text("admin.region", language),
        state=_text("admin.state", language),
        second_factor=_text("admin.second_factor", language),
        actions=_text("admin.actions", language),
        rows="\n".join(_row(a, admin, language, now) for a in staff_accounts(session)),
        add_heading=_text("admin.add", language),
        add_hint=_text("admin.add_hint", language),
        csrf=html.escape(admin.web_session.csrf_token),
        role_options=options,
        password=_text("admin.password", language),
        add_submit=_text("admin.add_submit", language),
    )
    return _page(language, heading, content, admin, status=status)


def _account(session: Session, account_id: int) -> StaffAccount:
    account = session.get(StaffAccount, account_id)
    if account is None:
        raise HTTPException(404)
    return account


@router.get("/admin")
def accounts_page(
    admin: AdminDep, session: SessionDep, language: LanguageDep, now: NowDep
) -> HTMLResponse:
    return _list_page(session, admin, language, now)


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
    _checked(admin, csrf)
    try:
        account = create_account(
            session,
            role=role,
            organization_id=organization_id.strip(),
            username=username,
            password=password,
            unit=unit or None,
            region=region or None,
            now=now,
        )
        _audit(session, admin, request, "account.created", account.username, now)
        session.commit()
    except AccountError as error:
        session.rollback()
        code = error.code if error.code in _ACCOUNT_ERRORS else "invalid"
        return _list_page(session, admin, language, now, error=code, status=422)
    except IntegrityError:
        # Another admin created the same username between our check and our insert.
        session.rollback()
        return _list_page(session, admin, language, now, error="duplicate", status=422)
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
    _checked(admin, csrf)
    account = _account(session, account_id)
    if account.id == admin.account.id:
        # The last admin locking themselves out would leave only the command line.
        return _list_page(session, admin, language, now, error="self", status=409)
    disable_account(session, account.username)
    _audit(session, admin, request, "account.disabled", account.username, now)
    session.commit()
    return RedirectResponse("/admin", status_code=303)


def _secret_page(
    admin: Staff,
    language: str,
    kind: str,
    username: str,
    secret: str,
    *,
    uri: str = "",
    expires: str = "",
) -> HTMLResponse:
    # _text escapes the whole rendered text, the username included.
    heading = _text(f"admin.{kind}.title", language, username=username)
    content = _SECRET.substitute(
        heading=heading,
        intro=_text(f"admin.{kind}.intro", language, username=username, expires=expires),
        secret_label=_text(f"admin.{kind}.secret", language),
        secret=html.escape(secret),
        uri_label=_text("admin.totp.link", language),
        uri=html.escape(uri),
        uri_hidden=_hidden(not uri),
        back=_text("admin.back", language),
    )
    return _page(language, heading, content, admin)


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
    _checked(admin, csrf)
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
        return _list_page(session, admin, language, now, error="enrol", status=409)
    session.commit()
    expires = f"{now + CODE_TTL:%Y-%m-%d %H:%M} UTC"
    return _secret_page(admin, language, "code", account.username, code, expires=expires)


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
    _checked(admin, csrf)
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
        code = error.code if error.code in _ACCOUNT_ERRORS else "invalid"
        return _list_page(session, admin, language, now, error=code, status=409)
    session.commit()
    uri = provisioning_uri(secret, account.username)
    return _secret_page(admin, language, "totp", account.username, secret, uri=uri)
