"""Directory routes: capacity updates from intake staff and coordinators.

Who may call them (API keys per organization) is issue 7's; until then the API listens on
127.0.0.1 only, like the rest of the stack.
"""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from api.dependencies import SessionDep
from referral_directory.capacity import UnknownServiceAtLocation, update_capacity

router = APIRouter(prefix="/directory", tags=["directory"])


class CapacityIn(BaseModel):
    available: int = Field(ge=0, le=100_000, strict=True, description="Free places now.")


class CapacityOut(BaseModel):
    service_at_location_id: str
    available: int
    unit: str
    updated: datetime


@router.put("/service-at-locations/{service_at_location_id}/capacity")
def put_capacity(service_at_location_id: str, body: CapacityIn, session: SessionDep) -> CapacityOut:
    try:
        update = update_capacity(session, service_at_location_id, body.available, datetime.now(UTC))
    except UnknownServiceAtLocation:
        raise HTTPException(404, "no such service_at_location") from None
    session.commit()
    return CapacityOut(
        service_at_location_id=update.service_at_location_id,
        available=update.available,
        unit=update.unit,
        updated=update.updated,
    )
