"""The free places of a service as both capacity routes take and give them (api.routers.directory
for providers and admins, api.routers.partner_api for partner systems)."""

from datetime import datetime

from pydantic import BaseModel, Field

from referral_directory.capacity import CapacityUpdate


class CapacityIn(BaseModel):
    available: int = Field(ge=0, le=100_000, strict=True, description="Free places now.")


class CapacityOut(BaseModel):
    service_at_location_id: str
    available: int
    unit: str
    updated: datetime

    @classmethod
    def of(cls, update: CapacityUpdate) -> "CapacityOut":
        return cls(
            service_at_location_id=update.service_at_location_id,
            available=update.available,
            unit=update.unit,
            updated=update.updated,
        )
