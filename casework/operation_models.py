"""Tables of operation plans and the capacity requests sent to providers before an operation.

A plan holds numbers, codes and a time window, never a target, an address, a business or a
suspect: there is no column for them. What the plan expects is encrypted at rest, like case
data; only who may see it (owner, unit, region) and its state stay readable for queries.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base
from passage.core.field_crypto import EncryptedJSON
from passage.core.timestamps import UTCDateTime


class OperationPlan(Base):
    __tablename__ = "operation_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    # Who planned it, and the unit and region that can see it (copied from the account).
    officer_account_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # casework.operations.OperationDetails as JSON: counts, languages, needs, the window and
    # the region of the safe site.
    details: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("operation_plan.details"))
    # When its holds were released after the window (casework.capacity_requests).
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CapacityRequest(Base):
    """Places asked of one provider for one need of a plan, for adults or for presumed minors
    (never both in one request), and what the provider answered."""

    __tablename__ = "capacity_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation_plan.id"), index=True)
    # The code the provider quotes in `HOLD <code> <n>`; it names neither the plan nor a place.
    code: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    need_id: Mapped[str] = mapped_column(String(64))
    for_minors: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set for an interpreter: the language asked for.
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    service_at_location_id: Mapped[str] = mapped_column(String(64))
    organization_id: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(Text)
    provider_language: Mapped[str] = mapped_column(String(16))
    places_wanted: Mapped[int] = mapped_column(Integer)
    places_held: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
