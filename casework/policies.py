"""Every decision a deployment makes about the domain, in one value the adapters are handed."""

from dataclasses import dataclass

from casework.referral_policy import ReferralPolicy
from casework.retention import RetentionPolicy
from referral_directory.match_values import MatchingRules


@dataclass(frozen=True)
class Policies:
    referrals: ReferralPolicy
    retention: RetentionPolicy

    @property
    def matching(self) -> MatchingRules:
        return self.referrals.rules
