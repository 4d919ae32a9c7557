import json
import subprocess
import sys
from collections import Counter

import pytest

from referral_directory.needs import (
    CATEGORIES,
    NEEDS,
    Level,
    UnknownNeed,
    need,
    needs_of_level,
    top_category,
)


def test_the_three_sop_lists_are_complete() -> None:
    assert Counter(n.level for n in NEEDS) == {
        Level.BASIC_NEEDS: 7,
        Level.ASSISTANCE_AND_SERVICES: 18,
        Level.RIGHTS: 10,
    }


def test_ids_are_unique_and_prefixed_by_level() -> None:
    prefixes = {
        Level.BASIC_NEEDS: "basic.",
        Level.ASSISTANCE_AND_SERVICES: "services.",
        Level.RIGHTS: "rights.",
    }
    assert len({n.id for n in NEEDS}) == len(NEEDS)
    for item in NEEDS:
        assert item.id.startswith(prefixes[item.level])


def test_every_need_maps_to_known_categories() -> None:
    for item in NEEDS:
        assert item.categories, item.id
        assert set(item.categories) <= set(CATEGORIES), item.id


def test_every_required_service_category_is_reachable() -> None:
    reached = {top_category(c) for n in NEEDS for c in n.categories}
    assert reached >= {
        "shelter",
        "medical",
        "psychosocial",
        "legal",
        "compensation",
        "child_protection",
        "social_services",
        "interpretation",
        "basic_goods",
        "transport",
        "employment_education",
    }


def test_lookup() -> None:
    assert need("rights.compensation_claim").level == Level.RIGHTS
    assert needs_of_level(Level.BASIC_NEEDS)[0].id == "basic.housing"
    with pytest.raises(UnknownNeed):
        need("basic.unicorns")


def test_cli_lists_all_35_as_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "passage.cli", "needs", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    items = json.loads(result.stdout)
    assert len(items) == 35
    assert {"id", "level", "label", "categories"} <= set(items[0])
    assert items[0]["id"] == "basic.housing" and items[0]["level"] == 1
