"""Providers as Open Referral HSDS 3.1 entities, the needs taxonomy, and matching."""
