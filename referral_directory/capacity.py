"""Free places of a service, as intake staff or a coordinator report them."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_directory.models import ServiceAtLocation, ServiceCapacity, Unit
from referral_directory.revision import bump

# Unit given to a capacity first reported through Passage (the data may bring its own units).
PLACE_UNIT_ID = "0b7f4c39-5a1e-5c55-9d0e-3f6f1c2b8a10"


class UnknownServiceAtLocation(LookupError):
    pass


@dataclass(frozen=True)
class CapacityUpdate:
    service_at_location_id: str
    service_id: str
    available: int
    maximum: float | None
    unit: str
    updated: datetime


def update_capacity(
    session: Session, service_at_location_id: str, available: int, now: datetime
) -> CapacityUpdate:
    """Record `available` free places now. HSDS 3.1 keeps capacity per service, so the update
    goes to the service offered at this location."""
    if available < 0:
        raise ValueError("available places cannot be negative")
    sal = session.get(ServiceAtLocation, service_at_location_id)
    if sal is None:
        raise UnknownServiceAtLocation(service_at_location_id)
    capacity = session.scalars(
        select(ServiceCapacity)
        .where(ServiceCapacity.service_id == sal.service_id)
        .order_by(ServiceCapacity.updated.desc())
    ).first()
    if capacity is None:
        if session.get(Unit, PLACE_UNIT_ID) is None:
            session.add(Unit(id=PLACE_UNIT_ID, name="Place", scheme="passage", extra={}))
            session.flush()  # the unit first: the foreign key is checked row by row
        capacity = ServiceCapacity(
            id=str(uuid.uuid5(uuid.UUID(PLACE_UNIT_ID), sal.service_id)),
            service_id=sal.service_id,
            unit_id=PLACE_UNIT_ID,
            extra={},
        )
        session.add(capacity)
    capacity.available = available
    capacity.updated = now
    session.flush()
    bump(session)
    unit = session.get(Unit, capacity.unit_id)
    return CapacityUpdate(
        sal.id, sal.service_id, available, capacity.maximum, unit.name if unit else "", now
    )
