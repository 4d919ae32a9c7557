"""What a deployment decides about referrals; the runtime builds it from settings."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from referral_directory.match_values import MatchingRules


@dataclass(frozen=True)
class ReferralPolicy:
    rules: MatchingRules
    public_base_url: str
    link_ttl: timedelta
    urgent_deadline: timedelta
    shipped_languages: tuple[str, ...]
    # The installed machine translation models (the officer's note is read in the provider's
    # language); None: no translation.
    models_dir: Path | None = None


@dataclass(frozen=True)
class Officer:
    """Where the referring officer is told of changes, and in which language."""

    conversation: str
    language: str
    account_id: int | None = None
