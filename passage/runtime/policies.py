"""The composition root's one translation of settings into the domains' policies."""

from datetime import timedelta

from casework.policies import Policies
from casework.referral_policy import ReferralPolicy
from casework.retention import RetentionPolicy
from passage.config import Settings
from referral_directory.match_values import MatchingRules
from translations.catalog import shipped_catalogs


def policies_from(settings: Settings) -> Policies:
    rules = MatchingRules(
        max_distance_km=settings.match_max_distance_km,
        capacity_max_age=timedelta(hours=settings.capacity_max_age_hours),
    )
    return Policies(
        referrals=ReferralPolicy(
            rules=rules,
            public_base_url=settings.resolved_public_base_url,
            link_ttl=timedelta(hours=settings.referral_link_ttl_hours),
            urgent_deadline=timedelta(minutes=settings.urgent_deadline_minutes),
            shipped_languages=tuple(shipped_catalogs().languages),
            models_dir=settings.resolved_argos_packages_dir,
        ),
        retention=RetentionPolicy(
            transcript_idle=timedelta(hours=settings.tracker_retention_hours),
            closed_case_period=timedelta(days=settings.closed_case_retention_days),
        ),
    )
