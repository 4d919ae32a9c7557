"""Write the fictional demo provider directory, `referral_directory/demo/*.json`.

Why a generator and not hand-written JSON: the demo directory is about 70 HSDS 3.1 service
records with a dozen nested records each, and every one needs a stable UUID. Written by hand,
the files would drift (a changed name here, a reused id there); generated, they stay consistent
and a rerun produces byte-identical files, so a diff shows only intended changes.

Nothing here is real. Every organization carries "(demo)" in its name, web and e-mail
addresses are under example.org, and phone and SMS numbers are Twilio test numbers
(+1500555xxxx). The data is shaped to exercise matching: both regions (Cambodia, Central Asia)
cover every service category, and each has women-only, men-only and children's shelters, a
clinic with female staff, full shelters, closed services and providers not taking referrals.

The data is in `scripts/demo_directory/` (`places.py`, `services.py`), the HSDS records built
from it in `hsds.py` and what the demo promises to matching in `checks.py`; this script numbers
the services and writes one file per city.

Run from the repository root: `.venv/bin/python scripts/make_demo_directory.py`
"""

import argparse
import json
from pathlib import Path
from typing import Any

from demo_directory.checks import check_specs, summary
from demo_directory.hsds import service_json
from demo_directory.places import CITIES, ORGS, PLACES
from demo_directory.services import SPECS

OUTPUT = Path(__file__).resolve().parent.parent / "referral_directory" / "demo"


class Numbers:
    """Twilio test numbers (+1500555xxxx), handed out in order so that each is unique."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, block: int, offset: int) -> str:
        number = f"+1500555{block * 1000 + offset:04d}"
        if number in self.used:
            raise ValueError(f"{number} handed out twice")
        self.used.add(number)
        return number


def build() -> dict[str, list[dict[str, Any]]]:
    """The services of each city, by file name."""
    numbers = Numbers()
    org_numbers = {slug: numbers.take(2, n + 1) for n, slug in enumerate(ORGS)}
    files: dict[str, list[dict[str, Any]]] = {f"{slug}.json": [] for slug in CITIES}
    for index, spec in enumerate(SPECS):
        # Numbers follow the service's position: 1xxx for SMS endpoints, 3xxx for hotlines.
        sms_number = numbers.take(1, index + 11)
        hotline_number = numbers.take(3, index + 11) if spec.hotline else None
        city = PLACES[spec.place].city
        files[f"{city}.json"].append(
            service_json(spec, index, sms_number, org_numbers[spec.org], hotline_number)
        )
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder to write into")
    args = parser.parse_args()
    check_specs()
    files = build()
    output: Path = args.output
    output.mkdir(parents=True, exist_ok=True)
    for name, services in files.items():
        text = json.dumps(services, indent=2, ensure_ascii=False) + "\n"
        (output / name).write_text(text, encoding="utf-8")
    print(summary(files))
    print(f"written to {output}")


if __name__ == "__main__":
    main()
