"""Request-scoped dependencies: settings and a database session per request."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from fastapi import Path as PathParam
from sqlalchemy.orm import Session

from passage.database import session_factory
from passage.settings import Settings, get_settings


def database_session() -> Iterator[Session]:
    with session_factory()() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(database_session)]
# Ids are signed 64-bit integers in the database: a larger number in a URL names no row (422),
# where the driver would fail on it (SQLite: OverflowError, a 500).
RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]
