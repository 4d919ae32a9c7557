"""API keys of partner systems: made and revoked (each in the audit trail), and used (the time
of the last use kept on the key).

A key acts for one organization of the directory. Only its SHA-256 is stored; the raw key is
returned once, when it is made.
"""

import hashlib
import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.account_models import MAX_LABEL_LENGTH, ApiKey
from casework.account_rules import ADMINISTRATION, AccountError, require_organization
from casework.audit import record_audit

API_KEY_START = "psg_"
_PREFIX = re.compile(r"[0-9a-f]{12}")
# Longer than anything we issue; anything longer is refused before it is hashed.
_MAX_PRESENTED_LENGTH = 128


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_api_key(
    session: Session,
    organization_id: str,
    label: str = "",
    *,
    now: datetime,
    actor: str,
    source: str,
    purpose: str = ADMINISTRATION,
) -> tuple[str, ApiKey]:
    """A new key; the raw key is returned this once and only its SHA-256 is stored.

    Audited as "api_key.created" by `actor` (a username, or "cli") from `source` (the client's
    address, or "cli").
    """
    label = label.strip()
    if len(label) > MAX_LABEL_LENGTH:
        raise AccountError(f"A label is at most {MAX_LABEL_LENGTH} characters.")
    require_organization(session, organization_id)
    prefix = secrets.token_hex(6)
    while session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is not None:
        prefix = secrets.token_hex(6)
    raw_key = f"{API_KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        organization_id=organization_id,
        prefix=prefix,
        key_sha256=_sha256(raw_key),
        label=label,
        created_at=now,
        revoked_at=None,
        last_used_at=None,
    )
    session.add(api_key)
    record_audit(
        session,
        actor=actor,
        action="api_key.created",
        outcome="done",
        detail=f"organization={organization_id} key={prefix}",
        source=source,
        purpose=purpose,
        now=now,
    )
    session.flush()
    return raw_key, api_key


def organization_for_api_key(session: Session, raw_key: str, *, now: datetime) -> str | None:
    """The organization a key acts for, noting its use; None for unknown or revoked keys."""
    if not raw_key.startswith(API_KEY_START) or len(raw_key) > _MAX_PRESENTED_LENGTH:
        return None
    api_key = session.scalars(
        select(ApiKey).where(ApiKey.key_sha256 == _sha256(raw_key))
    ).one_or_none()
    if api_key is None or api_key.revoked_at is not None:
        return None
    api_key.last_used_at = now
    session.flush()
    return api_key.organization_id


def api_key_prefix(text: str) -> str | None:
    """The prefix in what an operator pasted: the prefix, `psg_<prefix>`, or the whole key."""
    candidate = text.strip().removeprefix(API_KEY_START).split("_", 1)[0]
    return candidate if _PREFIX.fullmatch(candidate) else None


def revoke_api_key(
    session: Session,
    prefix: str,
    *,
    now: datetime,
    actor: str,
    source: str,
    purpose: str = ADMINISTRATION,
) -> bool:
    """True if a key in use was revoked; False if there is no such key or it was revoked before.

    Audited as create_api_key is, when it revoked a key.
    """
    found = api_key_prefix(prefix)
    if found is None:
        return False
    api_key = session.scalars(select(ApiKey).where(ApiKey.prefix == found)).one_or_none()
    if api_key is None or api_key.revoked_at is not None:
        return False
    api_key.revoked_at = now
    record_audit(
        session,
        actor=actor,
        action="api_key.revoked",
        outcome="done",
        detail=f"organization={api_key.organization_id} key={found}",
        source=source,
        purpose=purpose,
        now=now,
    )
    session.flush()
    return True
