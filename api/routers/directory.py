"""Directory routes: the free places of a service, reported by its provider or an admin.

Two callers may set them: a partner system with an API key of the organization that runs the
service (as PUT /api/v1/service-at-locations/{id}/capacity does), or a logged-in admin, whose
cookie must come with the session's CSRF token in the X-CSRF-Token header. Everyone else: 401
without credentials, 403 with the wrong ones.
"""

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.capacity import CapacityIn, CapacityOut
from api.deps import NowDep, OptionalStaffDep, SessionDep
from api.problems import BODY_ERRORS, problem
from casework.api_keys import organization_for_api_key
from casework.intake_access import NotYours, update_capacity_for_organization
from casework.roles import may_edit_directory
from casework.web_sessions import csrf_ok
from referral_directory.capacity import (
    CapacityUpdate,
    UnknownServiceAtLocation,
    update_capacity,
)

router = APIRouter(prefix="/directory", tags=["directory"])
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="PartnerApiKey",
    description="An API key of the organization that runs the service.",
)


def _unauthorized() -> HTTPException:
    return HTTPException(
        401, "an API key or an admin session is required", headers={"WWW-Authenticate": "Bearer"}
    )


@router.put(
    "/service-at-locations/{service_at_location_id}/capacity",
    responses=BODY_ERRORS
    | {
        401: problem("No API key and no admin session, or an unknown or revoked key."),
        403: problem(
            "The service belongs to another organization, or the session is not an admin's "
            "or came without its X-CSRF-Token."
        ),
        404: problem("There is no such service_at_location."),
    },
)
def put_capacity(
    service_at_location_id: str,
    body: CapacityIn,
    session: SessionDep,
    staff: OptionalStaffDep,
    now: NowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    csrf: Annotated[str | None, Header(alias="X-CSRF-Token", max_length=128)] = None,
) -> CapacityOut:
    update: CapacityUpdate
    try:
        if credentials is not None:
            organization_id = organization_for_api_key(session, credentials.credentials, now=now)
            if organization_id is None:
                raise _unauthorized()
            update = update_capacity_for_organization(
                session, service_at_location_id, organization_id, body.available, now=now
            )
        elif staff is not None:
            if not may_edit_directory(staff.account.role) or not csrf_ok(staff.web_session, csrf):
                raise HTTPException(403, "only an admin may change another's capacity")
            update = update_capacity(session, service_at_location_id, body.available, now)
        else:
            raise _unauthorized()
    except NotYours:
        raise HTTPException(403, "this service belongs to another organization") from None
    except UnknownServiceAtLocation:
        raise HTTPException(404, "no such service_at_location") from None
    session.commit()
    return CapacityOut.of(update)
