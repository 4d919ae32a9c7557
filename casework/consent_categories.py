"""The kinds of service a person agrees, or not, to be referred to: one decision each.

They are the top-level service categories (referral_directory.needs) that some need of the
catalog is referred to; a category no need maps to would be a decision about nothing. The
option `referrals` of the consent question stands for all of them.
"""

from referral_directory.needs import CATEGORIES, NEEDS, need, top_category


def _referable() -> tuple[str, ...]:
    used = {top_category(category) for item in NEEDS for category in item.categories}
    return tuple(c for c in CATEGORIES if c == top_category(c) and c in used)


CONSENT_CATEGORIES: tuple[str, ...] = _referable()


def need_categories(need_id: str) -> tuple[str, ...]:
    """The top-level categories a need is referred to, in the need's order. Raises UnknownNeed."""
    return tuple(dict.fromkeys(top_category(c) for c in need(need_id).categories))


def stored(categories: frozenset[str] | None) -> str | None:
    """The receipt's column: None for every kind, else the kinds in catalog order."""
    if categories is None:
        return None
    return " ".join(c for c in CONSENT_CATEGORIES if c in categories)


def loaded(column: str | None) -> frozenset[str]:
    return frozenset(CONSENT_CATEGORIES) if column is None else frozenset(column.split())
