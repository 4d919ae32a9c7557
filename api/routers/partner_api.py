"""The partner API: a provider's own system reads the referrals sent to its organization, answers
them and the capacity requests sent to it before an operation, and reports its free places, with
an API key sent as a bearer token (docs/partner-api.md).

What a key may see and do is decided in casework.intake_access; this module only translates.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from api.capacity import CapacityIn, CapacityOut
from api.deps import NowDep, PoliciesDep, RowId, SessionDep, SettingsDep
from api.officer_notices import tell_officers_now
from api.problems import BODY_ERRORS
from casework.api_keys import api_key_prefix, organization_for_api_key
from casework.capacity_replies import Outcome, answer_request, request_for_organization
from casework.capacity_requests import service_category
from casework.consent import ConsentRequired
from casework.fhir_capacity import capacity_bundle
from casework.fhir_referral import task_bundle
from casework.intake_access import (
    MAX_NOTE,
    PROVIDER_REASONS,
    NotYours,
    referral_for_organization,
    referrals_for_organization,
    require_police_may_read,
    set_status_as_provider,
    update_capacity_for_organization,
)
from casework.models import Case
from casework.operation_models import OperationPlan
from casework.operations import details_of
from casework.provider_messages import partner_view
from casework.referral_models import Referral
from casework.referral_policy import ReferralPolicy
from casework.referral_status import (
    NEEDS_REASON,
    PROVIDER_MAY_SET,
    PROVIDER_STATUSES,
    IllegalTransition,
    Reason,
    Status,
)
from casework.sms_replies import MAX_PLACES
from referral_directory.capacity import UnknownServiceAtLocation

FHIR_JSON = "application/fhir+json"

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="PartnerApiKey",
    description="An API key of your organization: `Authorization: Bearer psg_...`.",
)


class FhirJSONResponse(JSONResponse):
    media_type = FHIR_JSON


class Problem(BaseModel):
    detail: str = Field(description="What went wrong, in English.")


class ReferralSummary(BaseModel):
    id: int = Field(description="The referral's id in this API.")
    code: str = Field(description="The code quoted in SMS and in the FHIR Task identifier.")
    status: Status
    category: str = Field(description="The service category asked for.")
    urgent: bool
    deadline: datetime = Field(description="Answer before this time (UTC).")
    updated_at: datetime


def _set_by_providers(status: Status) -> Status:
    if status not in PROVIDER_MAY_SET:
        raise ValueError(f"{status.value} is set by Passage, not by a provider")
    return status


# The statuses casework lets a provider set, described as exactly those in the schema.
ProviderStatus = Annotated[
    Status,
    AfterValidator(_set_by_providers),
    WithJsonSchema({"type": "string", "enum": [status.value for status in PROVIDER_STATUSES]}),
]


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ProviderStatus = Field(title="Status", description="The referral's new status.")
    reason: Reason | None = Field(
        default=None,
        description="Required with rejected and failed. no_response is set by the deadline only.",
    )
    note: str | None = Field(
        default=None,
        max_length=MAX_NOTE,
        description="Free text for the referring officer; only together with a reason.",
    )

    @field_validator("reason")
    @classmethod
    def _provider_reason(cls, value: Reason | None) -> Reason | None:
        if value is not None and value not in PROVIDER_REASONS:
            raise ValueError(f"{value.value} is set by Passage, not by a provider")
        return value

    @model_validator(mode="after")
    def _reason_where_needed(self) -> "StatusChange":
        if self.status in NEEDS_REASON and self.reason is None:
            raise ValueError(f"{self.status} needs a reason")
        if self.note and self.reason is None:
            raise ValueError("a note goes with a reason")
        return self


class CapacityAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["accepted", "rejected"] = Field(
        title="Status",
        description="accepted: you hold `places` places for the time window; rejected: none.",
    )
    places: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PLACES,
        strict=True,
        description="With accepted only: the places you hold, from 1 to the places asked (the "
        "Task's `places` input).",
    )

    @model_validator(mode="after")
    def _places_with_accepted(self) -> "CapacityAnswer":
        if self.status == "accepted" and self.places is None:
            raise ValueError("accepted needs places: how many you hold, 1 or more")
        if self.status == "rejected" and self.places is not None:
            raise ValueError("places go with accepted only")
        return self


CapacityCode = Annotated[
    str,
    Path(
        min_length=1,
        max_length=16,
        description="The capacity request's code (H and six characters), the Task's identifier.",
    ),
]


def _problem(description: str) -> dict[str, Any]:
    # Spelled out rather than `model=Problem`: FastAPI would give errors of the FHIR routes
    # their success media type, while every error is plain application/json.
    return {
        "description": description,
        "content": {"application/json": {"schema": Problem.model_json_schema()}},
    }


_UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: _problem("No API key, or an unknown or revoked one.")
}
_NOT_YOURS: dict[int | str, dict[str, Any]] = {
    403: _problem(
        "The referral was sent to another organization; or your organization is of the police "
        "type and the person has not consented to sharing with the police (or is in a "
        "reflection period)."
    ),
    404: _problem("There is no such referral."),
}
_NO_POLICE_CONSENT = (
    "the person has not consented to sharing with the police, or is in a reflection period"
)
_BUNDLE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A FHIR R4 Bundle (collection) holding the Task and its ServiceRequest, "
        "as in the pushes described in docs/partner-push.md.",
        "content": {FHIR_JSON: {"schema": {"type": "object"}}},
    }
}

# Counted per key before the key is looked up: a flood never reaches the database.
router = APIRouter(
    prefix="/api/v1",
    tags=["partner"],
    responses=_UNAUTHORIZED,
)


@dataclass(frozen=True)
class Partner:
    organization_id: str
    key_prefix: str


def partner(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    session: SessionDep,
    now: NowDep,
) -> Partner:
    raw_key = credentials.credentials if credentials is not None else ""
    organization_id = organization_for_api_key(session, raw_key, now=now) if raw_key else None
    prefix = api_key_prefix(raw_key) if raw_key else None
    if organization_id is None or prefix is None:
        raise HTTPException(
            401, "a valid API key is required", headers={"WWW-Authenticate": "Bearer"}
        )
    session.commit()  # keeps the key's last use
    return Partner(organization_id, prefix)


PartnerDep = Annotated[Partner, Depends(partner)]


def _own_referral(session: Session, referral_id: int, caller: Partner, now: datetime) -> Referral:
    try:
        referral = referral_for_organization(session, referral_id, caller.organization_id)
    except NotYours:
        raise HTTPException(403, "this referral was sent to another organization") from None
    except LookupError:
        raise HTTPException(404, "no such referral") from None
    try:
        require_police_may_read(
            session, referral, actor=f"partner_api:{caller.key_prefix}", now=now
        )
    except ConsentRequired:
        session.commit()  # the refused read is audited
        raise HTTPException(403, _NO_POLICE_CONSENT) from None
    return referral


def _bundle(
    session: Session, referral: Referral, policy: ReferralPolicy, now: datetime
) -> FhirJSONResponse:
    case = session.get(Case, referral.case_id)
    if case is None:  # a referral always has its case; this keeps the type checker honest
        raise HTTPException(404, "no such referral")
    return FhirJSONResponse(task_bundle(partner_view(session, case, referral, policy)))


@router.get(
    "/referrals",
    summary="List your organization's referrals",
    response_description="Waiting referrals first (soonest deadline first), then the others "
    "(latest change first); at most 100.",
)
def list_referrals(caller: PartnerDep, session: SessionDep, now: NowDep) -> list[ReferralSummary]:
    return [
        ReferralSummary(
            id=r.id,
            code=r.code,
            status=Status(r.status),
            category=r.category,
            urgent=r.urgent,
            deadline=r.deadline_at,
            updated_at=r.updated_at,
        )
        for r in referrals_for_organization(session, caller.organization_id, now=now)
    ]


@router.get(
    "/referrals/{referral_id}",
    summary="Read one referral as a FHIR Bundle",
    response_class=FhirJSONResponse,
    responses=_BUNDLE | _NOT_YOURS,
)
def read_referral(
    referral_id: RowId, caller: PartnerDep, session: SessionDep, policies: PoliciesDep, now: NowDep
) -> FhirJSONResponse:
    referral = _own_referral(session, referral_id, caller, now)
    return _bundle(session, referral, policies.referrals, now)


@router.post(
    "/referrals/{referral_id}/status",
    summary="Accept, decline or report progress on a referral",
    response_class=FhirJSONResponse,
    responses=_BUNDLE
    | _NOT_YOURS
    | BODY_ERRORS
    | {
        409: _problem(
            "The referral cannot move to that status from where it is (for example completed "
            "while still requested)."
        )
    },
)
def change_referral_status(
    referral_id: RowId,
    body: StatusChange,
    caller: PartnerDep,
    session: SessionDep,
    settings: SettingsDep,
    policies: PoliciesDep,
    now: NowDep,
) -> FhirJSONResponse:
    """A provider may set accepted or rejected on a requested referral; then in-progress,
    completed or failed on an accepted one (completed or failed also from in-progress).

    422 when the body is not valid: an unknown status or reason, an extra field, rejected or
    failed without a reason, a note without a reason, or a note over 500 characters.
    """
    referral = _own_referral(session, referral_id, caller, now)
    policy = policies.referrals
    try:
        set_status_as_provider(
            session,
            referral,
            body.status,
            body.reason,
            body.note,
            actor=f"partner_api:{caller.key_prefix}",
            policy=policy,
            now=now,
        )
    except IllegalTransition as error:
        raise HTTPException(409, str(error)) from None
    session.commit()
    answer = _bundle(session, referral, policy, now)
    answer.background = BackgroundTask(tell_officers_now, settings)
    return answer


_CAPACITY_TASK: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A FHIR R4 Bundle (collection) holding the capacity request's Task in its "
        "new state: accepted with the places held as an output, or rejected.",
        "content": {FHIR_JSON: {"schema": {"type": "object"}}},
    }
}


@router.post(
    "/capacity-requests/{code}/status",
    summary="Hold places for a capacity request, or decline it",
    response_class=FhirJSONResponse,
    responses=_CAPACITY_TASK
    | BODY_ERRORS
    | {
        404: _problem(
            "There is no capacity request with this code for your organization (an unknown "
            "code and another organization's request are answered alike)."
        ),
        409: _problem(
            "The request is closed: its time window has ended, or its places were released."
        ),
    },
)
def answer_capacity_request(
    code: CapacityCode,
    body: CapacityAnswer,
    caller: PartnerDep,
    session: SessionDep,
    policies: PoliciesDep,
    now: NowDep,
) -> FhirJSONResponse:
    """Answer a capacity request pushed to you as a FHIR Task (docs/partner-push.md): accepted
    with the places you hold, or rejected. You may change your answer until the time window
    ends; the last answer counts.

    422 when the body is not valid: an unknown status, an extra field, accepted without
    places, places with rejected, places that are not a whole number from 1 to the places
    asked.
    """
    request = request_for_organization(session, code, caller.organization_id)
    plan = session.get(OperationPlan, request.operation_id) if request is not None else None
    if request is None or plan is None:
        raise HTTPException(404, "no such capacity request")
    places = body.places if body.status == "accepted" and body.places is not None else 0
    outcome = answer_request(session, request, places, now=now)
    if outcome is Outcome.CLOSED:
        raise HTTPException(409, "this capacity request is closed: its time window has ended")
    if outcome is Outcome.BELOW_TAKEN:
        raise HTTPException(
            409, "persons were already referred into some of these places: hold at least those"
        )
    if outcome is Outcome.TOO_MANY:
        raise RequestValidationError(
            [
                {
                    "type": "less_than_equal",
                    "loc": ("body", "places"),
                    "msg": f"at most {request.places_wanted} places were asked",
                    "input": places,
                    "ctx": {"le": request.places_wanted},
                }
            ]
        )
    session.commit()
    bundle = capacity_bundle(
        request,
        details_of(plan),
        category=service_category(request),
        base_url=policies.referrals.public_base_url,
        now=now,
    )
    return FhirJSONResponse(bundle)


@router.put(
    "/service-at-locations/{service_at_location_id}/capacity",
    summary="Report the free places of one of your services",
    response_description="The stored figure and when it was recorded.",
    responses=BODY_ERRORS
    | {
        403: _problem("The service belongs to another organization."),
        404: _problem("There is no such service_at_location."),
    },
)
def put_capacity(
    service_at_location_id: str,
    body: CapacityIn,
    caller: PartnerDep,
    session: SessionDep,
    now: NowDep,
) -> CapacityOut:
    try:
        update = update_capacity_for_organization(
            session, service_at_location_id, caller.organization_id, body.available, now=now
        )
    except NotYours:
        raise HTTPException(403, "this service belongs to another organization") from None
    except UnknownServiceAtLocation:
        raise HTTPException(404, "no such service_at_location") from None
    session.commit()
    return CapacityOut.of(update)
