"""Who is behind an SMS number of the directory."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_directory.models import Organization, Service, ServiceAtLocation, XReferralEndpoint


def providers_by_sms_number(session: Session) -> dict[str, list[str]]:
    """Each number referrals are sent to by SMS, and the organizations that receive them."""
    rows = session.execute(
        select(XReferralEndpoint.address, Organization.name)
        .join(
            ServiceAtLocation,
            ServiceAtLocation.id == XReferralEndpoint.service_at_location_id,
        )
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .join(Organization, Organization.id == Service.organization_id)
        .where(XReferralEndpoint.channel == "sms")
        .order_by(XReferralEndpoint.address, Organization.name)
    ).all()
    found: dict[str, list[str]] = {}
    for number, name in rows:
        names = found.setdefault(number, [])
        if name not in names:
            names.append(name)
    return found
