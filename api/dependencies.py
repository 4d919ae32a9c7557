"""Request-scoped dependencies: settings and a database session per request."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi import Path as PathParam
from sqlalchemy.orm import Session

from casework.policies import Policies
from passage.config import Settings, get_settings, session_factory


def database_session() -> Iterator[Session]:
    with session_factory()() as session:
        yield session


def domain_policies(request: Request) -> Policies:
    """The policies the app was created with (the runtime builds them from settings)."""
    policies: Policies = request.app.state.policies
    return policies


SettingsDep = Annotated[Settings, Depends(get_settings)]
PoliciesDep = Annotated[Policies, Depends(domain_policies)]
SessionDep = Annotated[Session, Depends(database_session)]
# Ids are signed 64-bit integers in the database: a larger number in a URL names no row (422),
# where the driver would fail on it (SQLite: OverflowError, a 500).
RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]
