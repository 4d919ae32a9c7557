"""The area answer: a town or district, never an address or a contact."""

import pytest

from casework.area_answers import NotAnArea, not_an_area


@pytest.mark.parametrize(
    "area",
    [
        "Almaty",
        "Almaty, Medeu district",
        "  Almaty,   Bostandyk district ",
        "District 5",
        "Quận 1, Hồ Chí Minh",
        "мкр 4, Алматы",
        "Siem Reap",
        "St Petersburg",
        "Mae Sot",
        "Шымкент",
    ],
)
def test_towns_and_districts_are_areas(area: str) -> None:
    assert not_an_area(area) is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("77 Secret Street flat 5", NotAnArea.ADDRESS),
        ("Secret Street", NotAnArea.ADDRESS),
        ("ул. Абая 12, кв 3", NotAnArea.ADDRESS),
        ("12 rue de la Paix", NotAnArea.ADDRESS),
        ("Almaty 42", NotAnArea.ADDRESS),
        ("ถนนสุขุมวิท", NotAnArea.ADDRESS),
        ("+7 701 555 12 34", NotAnArea.CONTACT),
        ("87015551234", NotAnArea.CONTACT),
        ("anna@mail.example", NotAnArea.CONTACT),
    ],
)
def test_addresses_and_contacts_are_not(text: str, why: NotAnArea) -> None:
    assert not_an_area(text) is why
