"""What the demo directory's data tables are made of: regions, cities, organizations, places
and service specs."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    name: str
    languages: tuple[str, ...]
    # west, south, east, north (degrees): a rectangle around both cities of the region.
    bounds: tuple[float, float, float, float]
    description: str


@dataclass(frozen=True)
class City:
    slug: str
    name: str
    region: Region
    country: str
    state_province: str
    time_zone: str
    latitude: float
    longitude: float
    # Where locations may be placed, as offsets from the centre in degrees:
    # (south, north, west, east); keeps them on land (Phnom Penh has rivers to the east).
    spread: tuple[float, float, float, float]
    office_hours: tuple[str, str]


@dataclass(frozen=True)
class Org:
    slug: str
    name: str
    description: str

    @property
    def website(self) -> str:
        return f"https://{self.slug}.example.org"

    @property
    def email(self) -> str:
        return f"intake@{self.slug}.example.org"

    @property
    def api_endpoint(self) -> str:
        return f"{self.website}/passage/referrals"


@dataclass(frozen=True)
class Place:
    key: str
    city: str
    name: str
    address_1: str
    postal_code: str
    languages: tuple[str, ...]
    # For a confidential location `address_1` is only the drop-in office; this is the real one.
    confidential_address: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Spec:
    """One demo service; everything not given here is derived in `service_json`."""

    key: str
    org: str
    place: str
    name: str
    description: str
    categories: tuple[str, ...]
    eligibility: tuple[str, ...] = ()
    minimum_age: int | None = None
    maximum_age: int | None = None
    # Languages spoken with clients; the first ones (or `intake`) are read by intake staff.
    languages: tuple[str, ...] = ()
    intake: tuple[str, ...] = ()
    hours: str = "office"  # "office", "office+saturday" or "always"
    area: str = "city"  # "city", "region" or "none"
    channel: str = "sms"  # "sms" or "api"
    accepting: bool = True
    deadline: int = 120  # minutes
    status: str = "active"
    beds: tuple[int, int] | None = None  # available, maximum
    interpretation: str | None = None
    eligibility_text: str | None = None
    verified: str | None = None  # an older confirmation, overriding the computed one
    hotline: bool = False
    alert: str | None = None
