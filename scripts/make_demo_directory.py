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

Run from the repository root: `.venv/bin/python scripts/make_demo_directory.py`
"""

import argparse
import hashlib
import json
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from referral_directory.needs import CATEGORIES
from referral_directory.taxonomy import (
    CATEGORY_TAXONOMY,
    ELIGIBILITY_TAXONOMY,
    ELIGIBILITY_TERMS,
    attribute_json,
)

# Fixed, so that ids never change between runs. Never reuse it for anything but demo data.
NAMESPACE = uuid.UUID("3f6b2a10-7c4d-4e8f-9a1b-2c3d4e5f6a70")

OUTPUT = Path(__file__).resolve().parent.parent / "referral_directory" / "demo"


def uid(key: str) -> str:
    """A UUID derived from a readable key: the same key always gives the same id."""
    return str(uuid.uuid5(NAMESPACE, key))


BED_UNIT: dict[str, Any] = {
    "id": uid("unit/bed"),
    "name": "Bed",
    "scheme": "passage",
    "identifier": "bed",
}

LANGUAGE_NAMES: dict[str, str] = {
    "km": "Khmer",
    "th": "Thai",
    "vi": "Vietnamese",
    "en": "English",
    "ru": "Russian",
    "kk": "Kazakh",
    "uz": "Uzbek",
    "ky": "Kyrgyz",
    "tg": "Tajik",
}


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


CAMBODIA = Region(
    "Cambodia",
    ("km", "th", "vi", "en"),
    (102.3, 10.4, 107.7, 14.7),
    "Anywhere in Cambodia.",
)
CENTRAL_ASIA = Region(
    "Central Asia",
    ("ru", "kk", "uz", "ky", "tg", "en"),
    (55.9, 37.1, 87.4, 55.5),
    "Kazakhstan, Uzbekistan and neighbouring countries of Central Asia.",
)

CITIES: dict[str, City] = {
    city.slug: city
    for city in (
        City(
            "phnom-penh",
            "Phnom Penh",
            CAMBODIA,
            "KH",
            "Phnom Penh",
            "Asia/Phnom_Penh",
            11.5564,
            104.9282,
            (-0.05, 0.03, -0.07, -0.005),
            ("08:00", "17:00"),
        ),
        City(
            "siem-reap",
            "Siem Reap",
            CAMBODIA,
            "KH",
            "Siem Reap",
            "Asia/Phnom_Penh",
            13.3633,
            103.8564,
            (-0.04, 0.04, -0.04, 0.04),
            ("08:00", "17:00"),
        ),
        City(
            "almaty",
            "Almaty",
            CENTRAL_ASIA,
            "KZ",
            "Almaty",
            "Asia/Almaty",
            43.2383,
            76.9453,
            (-0.03, 0.05, -0.08, 0.06),
            ("09:00", "18:00"),
        ),
        City(
            "tashkent",
            "Tashkent",
            CENTRAL_ASIA,
            "UZ",
            "Tashkent",
            "Asia/Tashkent",
            41.2995,
            69.2401,
            (-0.06, 0.06, -0.06, 0.06),
            ("09:00", "18:00"),
        ),
    )
}


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


_FICTION = " A fictional organization of the Passage demo directory."

ORGS: dict[str, Org] = {
    org.slug: org
    for org in (
        # Cambodia
        Org(
            "lotus-bridge",
            "Lotus Bridge Legal Aid (demo)",
            "Free legal aid for survivors of trafficking and forced labour in Phnom Penh and "
            "Siem Reap." + _FICTION,
        ),
        Org(
            "mekong-haven",
            "Mekong Haven Women's Shelter (demo)",
            "Safe accommodation and counselling for women who have been trafficked or "
            "sexually exploited." + _FICTION,
        ),
        Org(
            "little-kites",
            "Little Kites Children's Home (demo)",
            "Residential care, case management and family tracing for children." + _FICTION,
        ),
        Org(
            "sunrise-clinic",
            "Sunrise Community Clinic (demo)",
            "A community health clinic with an around-the-clock emergency room." + _FICTION,
        ),
        Org(
            "angkor-care",
            "Angkor Care Health Centre (demo)",
            "Primary and women's health care, counselling and nutrition support in Siem Reap."
            + _FICTION,
        ),
        Org(
            "tonle-men",
            "Tonle Men's Safe House (demo)",
            "Short-stay accommodation for men returning from forced labour on fishing boats, "
            "farms and building sites." + _FICTION,
        ),
        Org(
            "mosaic-counselling",
            "Mosaic Counselling Collective (demo)",
            "Crisis counselling and peer support groups run by trained Khmer counsellors."
            + _FICTION,
        ),
        Org(
            "pp-social-affairs",
            "Phnom Penh Municipal Department of Social Affairs (demo)",
            "The government social service of the capital: victim identification, case "
            "management and reintegration support." + _FICTION,
        ),
        Org(
            "sr-social-affairs",
            "Siem Reap Provincial Department of Social Affairs (demo)",
            "The provincial government social service: social work, returnee reception and "
            "child protection." + _FICTION,
        ),
        Org(
            "bridgewords",
            "BridgeWords Interpreters (demo)",
            "Khmer, Thai, Vietnamese and English interpreters for police, courts and clinics."
            + _FICTION,
        ),
        Org(
            "fresh-start",
            "Fresh Start Skills Centre (demo)",
            "Vocational training, literacy classes and job placement for young adults." + _FICTION,
        ),
        Org(
            "safe-return",
            "Safe Return Transport Network (demo)",
            "Escorted travel home, emergency kits and a return hotline across Cambodia." + _FICTION,
        ),
        Org(
            "justice-first",
            "Justice First Compensation Project (demo)",
            "Helps survivors claim compensation and restitution from offenders and employers."
            + _FICTION,
        ),
        Org(
            "harbour-migrants",
            "Harbour Migrant Rights Centre (demo)",
            "Documents, status and labour rights for Thai and Vietnamese migrant workers in "
            "Cambodia and Cambodians returning from abroad." + _FICTION,
        ),
        # Central Asia
        Org(
            "steppe-legal",
            "Steppe Legal Aid Bureau (demo)",
            "Lawyers representing victims of trafficking in criminal and labour cases in "
            "Almaty and Tashkent." + _FICTION,
        ),
        Org(
            "apple-orchard",
            "Apple Orchard Women's Refuge (demo)",
            "A refuge and crisis line for women and their children." + _FICTION,
        ),
        Org(
            "silk-road-children",
            "Silk Road Children's Refuge (demo)",
            "Shelters and child protection casework for unaccompanied and exploited children."
            + _FICTION,
        ),
        Org(
            "tien-shan-clinic",
            "Tien Shan Family Clinic (demo)",
            "A family clinic with 24-hour care and a trauma-informed outpatient service."
            + _FICTION,
        ),
        Org(
            "chorsu-health",
            "Chorsu Health Point (demo)",
            "A polyclinic near the old town with women's health and mental health services."
            + _FICTION,
        ),
        Org(
            "caravan-men",
            "Caravan Men's Hostel (demo)",
            "Hostels for men escaping labour exploitation, with meals and clothing." + _FICTION,
        ),
        Org(
            "open-sky",
            "Open Sky Psychological Centre (demo)",
            "Psychologists and psychiatrists offering counselling, therapy and support groups."
            + _FICTION,
        ),
        Org(
            "almaty-social",
            "Almaty City Social Protection Department (demo)",
            "The city's social protection service: benefits, case management and crisis "
            "support." + _FICTION,
        ),
        Org(
            "tashkent-social",
            "Tashkent City Centre for Social Rehabilitation (demo)",
            "Rehabilitation, child protection and material help for people in crisis." + _FICTION,
        ),
        Org(
            "tumar-language",
            "Tumar Language Line (demo)",
            "Telephone, video and on-site interpreters for the languages of Central Asia."
            + _FICTION,
        ),
        Org(
            "migrant-compass",
            "Migrant Compass Rights Centre (demo)",
            "Legal help for labour migrants from Kyrgyzstan, Tajikistan and Uzbekistan." + _FICTION,
        ),
        Org(
            "new-path",
            "New Path Vocational Centre (demo)",
            "Vocational courses, job placement and starter kits for survivors." + _FICTION,
        ),
        Org(
            "steppe-wind",
            "Steppe Wind Return Service (demo)",
            "Escorted return travel and transport to appointments across Central Asia." + _FICTION,
        ),
        Org(
            "crescent-garden",
            "Crescent Garden Women's Shelter (demo)",
            "A shelter and advocacy service for women survivors of trafficking and violence."
            + _FICTION,
        ),
    )
}


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


PLACES: dict[str, Place] = {
    place.key: place
    for place in (
        # Phnom Penh
        Place(
            "pp-mekong-haven-shelter",
            "phnom-penh",
            "Mekong Haven shelter, Phnom Penh",
            "Drop-in office, No. 41, Street 163, Sangkat Tuol Svay Prey 1, Khan Chamkar Mon",
            "120308",
            ("km", "en"),
            "No. 17B, Street 371, Sangkat Stueng Mean Chey, Khan Mean Chey",
            "Confidential shelter. Meet staff at the drop-in office; they will take the woman "
            "to the shelter.",
        ),
        Place(
            "pp-mekong-haven-day",
            "phnom-penh",
            "Mekong Haven Day Centre",
            "No. 41, Street 163, Sangkat Tuol Svay Prey 1, Khan Chamkar Mon",
            "120308",
            ("km", "en"),
        ),
        Place(
            "pp-little-kites-home",
            "phnom-penh",
            "Little Kites home, Phnom Penh",
            "Drop-in office, No. 88, Street 598, Sangkat Boeng Kak 2, Khan Tuol Kouk",
            "120408",
            ("km", "en"),
            "No. 9, Street 2004, Sangkat Tuek Thla, Khan Sen Sok",
            "Confidential children's home. Children are handed over at the drop-in office.",
        ),
        Place(
            "pp-little-kites-office",
            "phnom-penh",
            "Little Kites casework office",
            "No. 88, Street 598, Sangkat Boeng Kak 2, Khan Tuol Kouk",
            "120408",
            ("km", "en"),
        ),
        Place(
            "pp-tonle-men",
            "phnom-penh",
            "Tonle Men's Safe House, Phnom Penh",
            "No. 230, Street 271, Sangkat Boeng Tumpun, Khan Mean Chey",
            "120603",
            ("km", "th", "en"),
        ),
        Place(
            "pp-sunrise-clinic",
            "phnom-penh",
            "Sunrise Community Clinic",
            "No. 15, Street 360, Sangkat Boeng Keng Kang 3, Khan Boeng Keng Kang",
            "120110",
            ("km", "en", "vi"),
        ),
        Place(
            "pp-lotus-bridge",
            "phnom-penh",
            "Lotus Bridge Legal Aid, Phnom Penh office",
            "No. 62, Street 294, Sangkat Tonle Basak, Khan Chamkar Mon",
            "120101",
            ("km", "en"),
        ),
        Place(
            "pp-justice-first",
            "phnom-penh",
            "Justice First office",
            "No. 5E, Street 432, Sangkat Tuol Tumpung 2, Khan Chamkar Mon",
            "120306",
            ("km", "en"),
        ),
        Place(
            "pp-harbour-migrants",
            "phnom-penh",
            "Harbour Migrant Rights Centre",
            "No. 120, Street 215, Sangkat Veal Vong, Khan 7 Makara",
            "120307",
            ("km", "th", "vi", "en"),
        ),
        Place(
            "pp-social-affairs",
            "phnom-penh",
            "Municipal Department of Social Affairs",
            "No. 3, Street 114, Sangkat Srah Chak, Khan Daun Penh",
            "120210",
            ("km", "en"),
        ),
        Place(
            "pp-mosaic",
            "phnom-penh",
            "Mosaic Counselling Collective, Phnom Penh",
            "No. 27, Street 95, Sangkat Boeng Trabek, Khan Chamkar Mon",
            "120305",
            ("km",),
        ),
        Place(
            "pp-bridgewords",
            "phnom-penh",
            "BridgeWords Interpreters, head office",
            "No. 74, Street 51, Sangkat Chey Chumneah, Khan Daun Penh",
            "120207",
            ("km", "th", "vi", "en"),
        ),
        Place(
            "pp-fresh-start",
            "phnom-penh",
            "Fresh Start Skills Centre, Phnom Penh",
            "No. 310, Russian Federation Boulevard, Sangkat Teuk Laak 1, Khan Tuol Kouk",
            "120406",
            ("km", "en"),
        ),
        Place(
            "pp-safe-return",
            "phnom-penh",
            "Safe Return Transport Network, dispatch office",
            "No. 14, Street 217, Sangkat Phsar Depou 1, Khan Tuol Kouk",
            "120403",
            ("km", "th", "en"),
        ),
        # Siem Reap
        Place(
            "sr-little-kites-home",
            "siem-reap",
            "Little Kites home, Siem Reap",
            "Drop-in office, Wat Bo Road, Sala Kamraeuk Village, Sangkat Sala Kamraeuk",
            "171204",
            ("km", "en"),
            "Trapeang Ses Village, Sangkat Kouk Chak",
            "Confidential children's home. Children are handed over at the drop-in office.",
        ),
        Place(
            "sr-little-kites-office",
            "siem-reap",
            "Little Kites casework office, Siem Reap",
            "Wat Bo Road, Sala Kamraeuk Village, Sangkat Sala Kamraeuk",
            "171204",
            ("km", "en"),
        ),
        Place(
            "sr-angkor-care",
            "siem-reap",
            "Angkor Care Health Centre",
            "National Road 6, Taphul Village, Sangkat Svay Dankum",
            "171202",
            ("km", "th", "en"),
        ),
        Place(
            "sr-lotus-bridge",
            "siem-reap",
            "Lotus Bridge Legal Aid, Siem Reap office",
            "Street 20, Mondul 1 Village, Sangkat Svay Dankum",
            "171202",
            ("km", "en"),
        ),
        Place(
            "sr-social-affairs",
            "siem-reap",
            "Provincial Department of Social Affairs",
            "Charles de Gaulle Road, Sangkat Kouk Chak",
            "171206",
            ("km", "th", "en"),
        ),
        Place(
            "sr-returnee-centre",
            "siem-reap",
            "Returnee reception centre",
            "Road 63, Chong Kaosou Village, Sangkat Sla Kram",
            "171208",
            ("km", "th", "en"),
        ),
        Place(
            "sr-tonle-men",
            "siem-reap",
            "Tonle Men's Safe House, Siem Reap",
            "Phum Chreav, Sangkat Chreav",
            "171211",
            ("km", "th"),
        ),
        Place(
            "sr-mekong-haven-shelter",
            "siem-reap",
            "Mekong Haven shelter, Siem Reap",
            "Drop-in office, Sok San Road, Steung Thmey Village, Sangkat Svay Dankum",
            "171202",
            ("km", "en"),
            "Phum Khnar, Sangkat Chreav",
            "Confidential shelter. Meet staff at the drop-in office.",
        ),
        Place(
            "sr-mosaic",
            "siem-reap",
            "Mosaic Counselling Collective, Siem Reap",
            "Street 14, Old Market area, Sangkat Svay Dankum",
            "171202",
            ("km",),
        ),
        Place(
            "sr-bridgewords",
            "siem-reap",
            "BridgeWords Interpreters, Siem Reap desk",
            "Sivatha Boulevard, Mondul 2 Village, Sangkat Svay Dankum",
            "171202",
            ("km", "th", "en"),
        ),
        Place(
            "sr-harbour-migrants",
            "siem-reap",
            "Harbour Migrant Rights Centre, Siem Reap desk",
            "National Road 6, Krous Village, Sangkat Svay Dankum",
            "171202",
            ("km", "th", "en"),
        ),
        Place(
            "sr-fresh-start",
            "siem-reap",
            "Fresh Start Skills Centre, Siem Reap",
            "Wat Damnak Road, Phum Wat Damnak, Sangkat Sala Kamraeuk",
            "171204",
            ("km", "en"),
        ),
        Place(
            "sr-justice-first",
            "siem-reap",
            "Justice First, Siem Reap clinic",
            "Tep Vong Street, Mondul 1 Village, Sangkat Svay Dankum",
            "171202",
            ("km", "en"),
        ),
        Place(
            "sr-safe-return",
            "siem-reap",
            "Safe Return Transport Network, Siem Reap station",
            "National Road 6, Phum Chong Kaosou, Sangkat Sla Kram",
            "171208",
            ("km", "th", "en"),
        ),
        # Almaty
        Place(
            "al-apple-orchard-refuge",
            "almaty",
            "Apple Orchard refuge",
            "Drop-in office, 54 Zhambyl Street, Almalinsky District",
            "050000",
            ("ru", "kk", "en"),
            "12 Orchard Lane (Bagdarly), Medeu District",
            "Confidential refuge. Meet staff at the drop-in office.",
        ),
        Place(
            "al-apple-orchard-office",
            "almaty",
            "Apple Orchard Women's Refuge, office",
            "54 Zhambyl Street, Almalinsky District",
            "050000",
            ("ru", "kk", "en"),
        ),
        Place(
            "al-silk-road-home",
            "almaty",
            "Silk Road children's house, Almaty",
            "Drop-in office, 101 Abylai Khan Avenue, Almalinsky District",
            "050004",
            ("ru", "kk", "en"),
            "7 Kokorai Street, Bostandyk District",
            "Confidential children's house. Children are handed over at the drop-in office.",
        ),
        Place(
            "al-silk-road-office",
            "almaty",
            "Silk Road Children's Refuge, casework office",
            "101 Abylai Khan Avenue, Almalinsky District",
            "050004",
            ("ru", "kk", "en"),
        ),
        Place(
            "al-tien-shan-clinic",
            "almaty",
            "Tien Shan Family Clinic",
            "220 Tole Bi Street, Auezov District",
            "050031",
            ("ru", "kk", "en"),
        ),
        Place(
            "al-caravan-men",
            "almaty",
            "Caravan Men's Hostel, Almaty",
            "18 Rayimbek Avenue, Zhetysu District",
            "050016",
            ("ru", "kk", "ky", "tg"),
        ),
        Place(
            "al-steppe-legal",
            "almaty",
            "Steppe Legal Aid Bureau, Almaty",
            "77 Dostyk Avenue, Medeu District",
            "050010",
            ("ru", "kk", "en"),
        ),
        Place(
            "al-migrant-compass",
            "almaty",
            "Migrant Compass Rights Centre",
            "33 Seifullin Avenue, Turksib District",
            "050007",
            ("ru", "kk", "ky", "tg", "uz", "en"),
        ),
        Place(
            "al-social-protection",
            "almaty",
            "City Social Protection Department",
            "15 Baitursynov Street, Almalinsky District",
            "050012",
            ("ru", "kk"),
        ),
        Place(
            "al-social-crisis-centre",
            "almaty",
            "City crisis centre",
            "40 Mustafin Street, Alatau District",
            "050063",
            ("ru", "kk"),
        ),
        Place(
            "al-open-sky",
            "almaty",
            "Open Sky Psychological Centre, Almaty",
            "9 Gogol Street, Medeu District",
            "050010",
            ("ru", "kk", "en"),
        ),
        Place(
            "al-tumar",
            "almaty",
            "Tumar Language Line, Almaty office",
            "150 Nauryzbai Batyr Street, Almalinsky District",
            "050013",
            ("ru", "kk", "uz", "ky", "tg", "en"),
        ),
        Place(
            "al-new-path",
            "almaty",
            "New Path Vocational Centre, Almaty",
            "61 Suyunbay Avenue, Turksib District",
            "050008",
            ("ru", "kk"),
        ),
        Place(
            "al-steppe-wind",
            "almaty",
            "Steppe Wind Return Service, Almaty depot",
            "3 Raiymbek Avenue, Sayakhat bus station, Almalinsky District",
            "050016",
            ("ru", "kk", "ky", "uz", "tg"),
        ),
        # Tashkent
        Place(
            "ts-crescent-garden-shelter",
            "tashkent",
            "Crescent Garden shelter",
            "Drop-in office, 24 Shota Rustaveli Street, Yakkasaray District",
            "100070",
            ("uz", "ru", "en"),
            "6 Bog'kucha Street, Mirzo Ulugbek District",
            "Confidential shelter. Meet staff at the drop-in office.",
        ),
        Place(
            "ts-crescent-garden-office",
            "tashkent",
            "Crescent Garden Women's Shelter, advocacy office",
            "24 Shota Rustaveli Street, Yakkasaray District",
            "100070",
            ("uz", "ru", "en"),
        ),
        Place(
            "ts-silk-road-home",
            "tashkent",
            "Silk Road children's house, Tashkent",
            "Drop-in office, 45 Bunyodkor Avenue, Chilanzar District",
            "100043",
            ("uz", "ru", "en"),
            "11 Qatortol Street, Chilanzar District",
            "Confidential children's house. Children are handed over at the drop-in office.",
        ),
        Place(
            "ts-chorsu-health",
            "tashkent",
            "Chorsu Health Point",
            "2 Chorsu Square, Shaykhantakhur District",
            "100011",
            ("uz", "ru", "tg"),
        ),
        Place(
            "ts-caravan-men",
            "tashkent",
            "Caravan Men's Hostel, Tashkent",
            "80 Farhod Street, Chilanzar District",
            "100115",
            ("uz", "ru", "tg", "ky"),
        ),
        Place(
            "ts-social-rehab",
            "tashkent",
            "Centre for Social Rehabilitation",
            "19 Mukimi Street, Yakkasaray District",
            "100115",
            ("uz", "ru"),
        ),
        Place(
            "ts-steppe-legal",
            "tashkent",
            "Steppe Legal Aid Bureau, Tashkent",
            "5 Amir Temur Avenue, Yunusabad District",
            "100000",
            ("uz", "ru", "en"),
        ),
        Place(
            "ts-open-sky",
            "tashkent",
            "Open Sky Psychological Centre, Tashkent",
            "37 Mirabad Street, Mirabad District",
            "100015",
            ("uz", "ru", "en"),
        ),
        Place(
            "ts-tumar",
            "tashkent",
            "Tumar Language Line, Tashkent desk",
            "12 Navoi Street, Shaykhantakhur District",
            "100011",
            ("uz", "ru", "tg", "ky", "kk", "en"),
        ),
        Place(
            "ts-new-path",
            "tashkent",
            "New Path Vocational Centre, Tashkent",
            "70 Bobur Street, Yakkasaray District",
            "100100",
            ("uz", "ru"),
        ),
        Place(
            "ts-steppe-wind",
            "tashkent",
            "Steppe Wind Return Service, Tashkent desk",
            "Tashkent Railway Station, 1 Turkiston Street, Mirabad District",
            "100015",
            ("uz", "ru", "tg", "kk"),
        ),
    )
}


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


SPECS: tuple[Spec, ...] = (
    # ------------------------------------------------------------------ Phnom Penh
    Spec(
        "pp/mekong-haven/shelter",
        "mekong-haven",
        "pp-mekong-haven-shelter",
        "Emergency shelter for women and girls",
        "Safe, confidential accommodation for women and girls who have been trafficked or "
        "sexually exploited, with meals, a caseworker and round-the-clock staff. Mothers may "
        "bring their children.",
        ("shelter", "psychosocial"),
        ("women_only", "children_accepted"),
        languages=("km", "en"),
        hours="always",
        deadline=30,
        beds=(4, 20),
        eligibility_text="Women and girls who have been trafficked or exploited, and the "
        "children who come with them. Girls under 16 on their own are usually referred to "
        "Little Kites.",
    ),
    Spec(
        "pp/mekong-haven/counselling",
        "mekong-haven",
        "pp-mekong-haven-day",
        "Trauma counselling for women",
        "One-to-one trauma counselling and safety planning with female counsellors, in the day "
        "centre or by phone.",
        ("psychosocial.counselling", "psychosocial"),
        ("women_only",),
        minimum_age=18,
        languages=("km", "en"),
        deadline=180,
    ),
    Spec(
        "pp/little-kites/home",
        "little-kites",
        "pp-little-kites-home",
        "Emergency children's home",
        "A confidential home for children who have been trafficked or are unaccompanied, with "
        "house parents, schooling and medical checks.",
        ("shelter", "child_protection"),
        ("children_only",),
        maximum_age=17,
        languages=("km", "en"),
        hours="always",
        deadline=30,
        beds=(0, 12),
        alert="The home is full at the moment; call before bringing a child.",
    ),
    Spec(
        "pp/little-kites/casework",
        "little-kites",
        "pp-little-kites-office",
        "Child protection case management",
        "A social worker for every referred child: best-interest assessment, care plan, "
        "school enrolment and follow-up visits.",
        ("child_protection", "social_services", "psychosocial"),
        ("children_only",),
        maximum_age=17,
        languages=("km", "en"),
        channel="api",
        deadline=60,
    ),
    Spec(
        "pp/tonle-men/safe-house",
        "tonle-men",
        "pp-tonle-men",
        "Safe house for men",
        "Short-stay beds, meals, clothing and a caseworker for men escaping forced labour, "
        "including fishermen returned from Thai vessels.",
        ("shelter", "basic_goods"),
        ("men_only",),
        minimum_age=18,
        languages=("km", "th", "en"),
        hours="always",
        deadline=60,
        beds=(6, 10),
        interpretation="Thai-speaking caseworker on weekdays.",
    ),
    Spec(
        "pp/sunrise/clinic",
        "sunrise-clinic",
        "pp-sunrise-clinic",
        "Emergency and general medical care",
        "Emergency room, general medicine, sexual and reproductive health, forensic "
        "examinations with consent. Female doctors and nurses on every shift.",
        ("medical",),
        ("female_medical_staff", "children_accepted"),
        languages=("km", "en", "vi"),
        hours="always",
        deadline=30,
        interpretation="Vietnamese-speaking nurse; other languages through BridgeWords.",
    ),
    Spec(
        "pp/sunrise/mental-health",
        "sunrise-clinic",
        "pp-sunrise-clinic",
        "Psychiatric outpatient care",
        "Assessment and treatment of trauma, depression and anxiety by a psychiatrist and a "
        "clinical psychologist.",
        ("psychosocial.mental_health", "medical"),
        minimum_age=16,
        languages=("km", "en"),
        channel="api",
        deadline=240,
    ),
    Spec(
        "pp/sunrise/outreach",
        "sunrise-clinic",
        "pp-sunrise-clinic",
        "Mobile outreach clinic",
        "A clinic van visiting garment factory dormitories and construction sites.",
        ("medical",),
        ("female_medical_staff",),
        minimum_age=15,
        languages=("km",),
        status="temporarily closed",
        alert="The van is being repaired; visits resume in 2027.",
    ),
    Spec(
        "pp/lotus-bridge/representation",
        "lotus-bridge",
        "pp-lotus-bridge",
        "Legal representation for survivors of trafficking",
        "Lawyers advise survivors on their rights, represent them as civil parties in criminal "
        "cases and accompany them to court.",
        ("legal", "legal.representation", "legal.advocacy"),
        ("children_accepted",),
        languages=("km", "en"),
        channel="api",
        deadline=240,
    ),
    Spec(
        "pp/justice-first/compensation",
        "justice-first",
        "pp-justice-first",
        "Compensation and restitution claims",
        "Documents losses, files compensation claims with the court and follows up payment "
        "of restitution ordered against offenders.",
        ("compensation", "legal.representation"),
        minimum_age=18,
        languages=("km", "en"),
        deadline=240,
        verified="2025-09-12T08:30:00Z",
    ),
    Spec(
        "pp/harbour/immigration",
        "harbour-migrants",
        "pp-harbour-migrants",
        "Immigration and documents for migrant workers",
        "Help with passports, work permits, visas and status for foreign victims, and with "
        "identity documents for Cambodians returning from abroad.",
        ("legal.immigration", "legal"),
        minimum_age=16,
        languages=("km", "th", "vi", "en"),
        intake=("km", "en"),
        channel="api",
        deadline=120,
        interpretation="Thai- and Vietnamese-speaking caseworkers.",
    ),
    Spec(
        "pp/social-affairs/case-management",
        "pp-social-affairs",
        "pp-social-affairs",
        "Victim identification and case management",
        "Government social workers identify victims, open a case, arrange a shelter place and "
        "coordinate services until reintegration.",
        ("social_services", "child_protection"),
        ("children_accepted",),
        languages=("km",),
        deadline=240,
    ),
    Spec(
        "pp/social-affairs/reintegration",
        "pp-social-affairs",
        "pp-social-affairs",
        "Reintegration grants and family tracing",
        "Small reintegration grants, family tracing and a paid journey home anywhere in Cambodia.",
        ("social_services", "transport"),
        ("children_accepted",),
        languages=("km", "en"),
        area="region",
        deadline=240,
    ),
    Spec(
        "pp/mosaic/counselling",
        "mosaic-counselling",
        "pp-mosaic",
        "Crisis counselling and support groups",
        "Walk-in crisis counselling and weekly peer support groups for survivors.",
        ("psychosocial", "psychosocial.counselling"),
        minimum_age=15,
        languages=("km",),
        hours="office+saturday",
        deadline=90,
    ),
    Spec(
        "pp/bridgewords/remote",
        "bridgewords",
        "pp-bridgewords",
        "Remote interpreting line",
        "Telephone and video interpreters for police interviews, clinics and shelters, day "
        "and night.",
        ("interpretation",),
        languages=("km", "th", "vi", "en"),
        intake=("km", "en"),
        hours="always",
        area="none",
        channel="api",
        deadline=30,
        interpretation="Khmer, Thai, Vietnamese and English; other languages on request.",
        hotline=True,
    ),
    Spec(
        "pp/bridgewords/on-site",
        "bridgewords",
        "pp-bridgewords",
        "Court and hospital interpreters, Phnom Penh",
        "Interpreters who come to court hearings, hospitals and police stations in Phnom Penh.",
        ("interpretation",),
        languages=("km", "th", "vi", "en"),
        intake=("km", "en"),
        deadline=120,
        interpretation="Khmer, Thai, Vietnamese and English.",
    ),
    Spec(
        "pp/fresh-start/training",
        "fresh-start",
        "pp-fresh-start",
        "Vocational training and job placement",
        "Six-month courses in tailoring, cooking and motorbike repair, literacy classes and "
        "help to find a job.",
        ("employment_education",),
        minimum_age=15,
        languages=("km", "en"),
        channel="api",
        accepting=False,
        deadline=240,
        alert="Intake is paused until the next course starts.",
    ),
    Spec(
        "pp/safe-return/transport",
        "safe-return",
        "pp-safe-return",
        "Escorted transport and emergency kits",
        "Escorted travel to a shelter, a hearing or home, and an emergency kit with food, "
        "clothes and hygiene items.",
        ("transport", "basic_goods"),
        ("children_accepted",),
        languages=("km", "th", "en"),
        hours="always",
        area="region",
        deadline=60,
    ),
    # ------------------------------------------------------------------ Siem Reap
    Spec(
        "sr/little-kites/home",
        "little-kites",
        "sr-little-kites-home",
        "Children's home, Siem Reap",
        "A confidential home for trafficked and unaccompanied children, including children "
        "returned from Thailand.",
        ("shelter", "child_protection"),
        ("children_only",),
        maximum_age=17,
        languages=("km", "en"),
        hours="always",
        deadline=30,
        beds=(3, 10),
    ),
    Spec(
        "sr/little-kites/family-tracing",
        "little-kites",
        "sr-little-kites-office",
        "Family tracing and reunification",
        "Finds children's families, assesses whether return is safe and supports the family "
        "after reunification.",
        ("child_protection", "social_services"),
        ("children_only",),
        maximum_age=17,
        languages=("km", "en"),
        channel="api",
        deadline=180,
    ),
    Spec(
        "sr/angkor-care/clinic",
        "angkor-care",
        "sr-angkor-care",
        "Women's and general health clinic",
        "Emergency and general care, antenatal care and sexual health, with female doctors and "
        "midwives.",
        ("medical",),
        ("female_medical_staff", "children_accepted"),
        languages=("km", "th", "en"),
        hours="always",
        deadline=30,
        interpretation="Thai-speaking midwife on day shifts.",
    ),
    Spec(
        "sr/angkor-care/counselling",
        "angkor-care",
        "sr-angkor-care",
        "Counselling and mental health care",
        "Counselling by psychologists and referral to the visiting psychiatrist.",
        ("psychosocial.mental_health", "psychosocial.counselling"),
        ("children_accepted",),
        minimum_age=12,
        languages=("km", "en"),
        channel="api",
        deadline=180,
    ),
    Spec(
        "sr/angkor-care/nutrition",
        "angkor-care",
        "sr-angkor-care",
        "Food and hygiene support",
        "Food parcels, baby formula, clothing and hygiene kits for survivors and their families.",
        ("basic_goods",),
        ("children_accepted",),
        languages=("km",),
        deadline=120,
    ),
    Spec(
        "sr/lotus-bridge/legal-aid",
        "lotus-bridge",
        "sr-lotus-bridge",
        "Legal aid, Siem Reap",
        "Legal advice on victims' rights, representation in criminal cases and help with "
        "complaints to the police.",
        ("legal", "legal.representation"),
        ("children_accepted",),
        languages=("km", "en"),
        channel="api",
        deadline=240,
    ),
    Spec(
        "sr/lotus-bridge/labour-advocacy",
        "lotus-bridge",
        "sr-lotus-bridge",
        "Labour rights advocacy",
        "Negotiates with employers and recruitment agencies for unpaid wages and the return of "
        "confiscated documents.",
        ("legal.advocacy", "compensation"),
        minimum_age=15,
        languages=("km", "en"),
        channel="api",
        deadline=240,
    ),
    Spec(
        "sr/social-affairs/social-work",
        "sr-social-affairs",
        "sr-social-affairs",
        "Social work and child protection",
        "Government social workers: case management, child protection investigations and "
        "emergency material help.",
        ("social_services", "child_protection", "basic_goods"),
        ("children_accepted",),
        languages=("km",),
        deadline=180,
    ),
    Spec(
        "sr/social-affairs/returnee-centre",
        "sr-social-affairs",
        "sr-returnee-centre",
        "Reception centre for returned migrants",
        "Temporary beds, meals and onward transport for Cambodians returned or deported from "
        "Thailand, with screening for trafficking.",
        ("shelter", "social_services", "transport"),
        ("children_accepted",),
        languages=("km", "th", "en"),
        hours="always",
        deadline=60,
        beds=(12, 40),
    ),
    Spec(
        "sr/tonle-men/safe-house",
        "tonle-men",
        "sr-tonle-men",
        "Safe house for men, Siem Reap",
        "Beds, meals and a caseworker for men escaping forced labour on farms and building sites.",
        ("shelter",),
        ("men_only",),
        minimum_age=18,
        languages=("km", "th"),
        hours="always",
        deadline=60,
        beds=(2, 8),
    ),
    Spec(
        "sr/mekong-haven/shelter",
        "mekong-haven",
        "sr-mekong-haven-shelter",
        "Shelter for women, Siem Reap",
        "Confidential shelter for adult women who have been trafficked or sexually exploited, "
        "with counselling on site.",
        ("shelter", "psychosocial"),
        ("women_only",),
        minimum_age=18,
        languages=("km", "en"),
        hours="always",
        deadline=30,
        beds=(1, 14),
    ),
    Spec(
        "sr/mosaic/counselling",
        "mosaic-counselling",
        "sr-mosaic",
        "Support groups, Siem Reap",
        "Weekly peer support groups and walk-in counselling.",
        ("psychosocial", "psychosocial.counselling"),
        minimum_age=15,
        languages=("km",),
        status="inactive",
        deadline=90,
        verified="2025-04-03T09:00:00Z",
    ),
    Spec(
        "sr/bridgewords/interpreters",
        "bridgewords",
        "sr-bridgewords",
        "Khmer-Thai interpreters, Siem Reap",
        "On-site interpreters for police interviews, hearings and clinic visits in Siem Reap.",
        ("interpretation",),
        languages=("km", "th", "en"),
        intake=("km", "en"),
        deadline=120,
        interpretation="Khmer, Thai and English.",
    ),
    Spec(
        "sr/harbour/immigration",
        "harbour-migrants",
        "sr-harbour-migrants",
        "Documents and status for returning migrants",
        "Replacement identity documents, help with Thai immigration authorities and advocacy "
        "with recruitment agencies.",
        ("legal.immigration", "legal.advocacy"),
        minimum_age=16,
        languages=("km", "th", "en"),
        intake=("km", "en"),
        channel="api",
        accepting=False,
        deadline=180,
        alert="Caseload full; new referrals go to the Phnom Penh centre.",
    ),
    Spec(
        "sr/fresh-start/hospitality",
        "fresh-start",
        "sr-fresh-start",
        "Hospitality training and job placement",
        "Training in hotel and restaurant work with paid internships in Siem Reap.",
        ("employment_education",),
        minimum_age=16,
        languages=("km", "en"),
        channel="api",
        deadline=240,
    ),
    Spec(
        "sr/justice-first/restitution",
        "justice-first",
        "sr-justice-first",
        "Restitution claims clinic",
        "Helps survivors document losses and claim restitution; lawyers travel to provincial "
        "courts across Cambodia.",
        ("compensation", "legal"),
        minimum_age=18,
        languages=("km", "en"),
        area="region",
        deadline=240,
    ),
    Spec(
        "sr/safe-return/hotline",
        "safe-return",
        "sr-safe-return",
        "24-hour return hotline and escorts",
        "A hotline that arranges an escort and transport home or to a shelter, day or night.",
        ("transport",),
        ("children_accepted",),
        languages=("km", "th", "en"),
        hours="always",
        area="region",
        deadline=30,
        hotline=True,
    ),
    # ------------------------------------------------------------------ Almaty
    Spec(
        "al/apple-orchard/refuge",
        "apple-orchard",
        "al-apple-orchard-refuge",
        "Refuge for women and their children",
        "Confidential refuge for women survivors of trafficking and violence and their "
        "children, with a psychologist and a lawyer on the team.",
        ("shelter", "psychosocial"),
        ("women_only", "children_accepted"),
        languages=("ru", "kk", "en"),
        hours="always",
        deadline=30,
        beds=(5, 24),
        eligibility_text="Women and girls who have been trafficked or abused, and their "
        "children. Girls under 16 on their own go to the Silk Road Children's Refuge.",
    ),
    Spec(
        "al/apple-orchard/crisis-line",
        "apple-orchard",
        "al-apple-orchard-office",
        "Crisis line for women",
        "Round-the-clock crisis counselling and safety planning by phone, in Russian and Kazakh.",
        ("psychosocial.counselling",),
        ("women_only",),
        minimum_age=16,
        languages=("ru", "kk"),
        hours="always",
        area="region",
        deadline=30,
        hotline=True,
    ),
    Spec(
        "al/silk-road/house",
        "silk-road-children",
        "al-silk-road-home",
        "Children's house, Almaty",
        "A confidential house for trafficked, exploited and unaccompanied children, with "
        "schooling and medical care.",
        ("shelter", "child_protection"),
        ("children_only",),
        maximum_age=17,
        languages=("ru", "kk", "en"),
        hours="always",
        deadline=30,
        beds=(0, 16),
        alert="No free places this week; the casework team can arrange foster care.",
    ),
    Spec(
        "al/silk-road/casework",
        "silk-road-children",
        "al-silk-road-office",
        "Child protection and guardianship",
        "Casework, guardianship applications and a children's lawyer for court proceedings.",
        ("child_protection", "legal.representation"),
        ("children_only",),
        maximum_age=17,
        languages=("ru", "kk", "en"),
        channel="api",
        deadline=60,
    ),
    Spec(
        "al/tien-shan/clinic",
        "tien-shan-clinic",
        "al-tien-shan-clinic",
        "24-hour family clinic",
        "Emergency and general care, gynaecology and forensic examinations with consent; a "
        "female doctor is always on duty.",
        ("medical",),
        ("female_medical_staff", "children_accepted"),
        languages=("ru", "kk", "en"),
        hours="always",
        deadline=30,
    ),
    Spec(
        "al/tien-shan/trauma",
        "tien-shan-clinic",
        "al-tien-shan-clinic",
        "Psychiatric and trauma care",
        "Outpatient psychiatry and trauma therapy for adults.",
        ("psychosocial.mental_health", "medical"),
        minimum_age=18,
        languages=("ru", "kk"),
        deadline=240,
    ),
    Spec(
        "al/caravan-men/hostel",
        "caravan-men",
        "al-caravan-men",
        "Hostel for men",
        "Beds, hot meals and clothing for men escaping forced labour, many of them migrant "
        "workers.",
        ("shelter", "basic_goods"),
        ("men_only",),
        minimum_age=18,
        languages=("ru", "kk", "ky", "tg"),
        intake=("ru",),
        hours="always",
        deadline=60,
        beds=(7, 15),
        interpretation="Staff speak Kyrgyz and Tajik.",
    ),
    Spec(
        "al/steppe-legal/representation",
        "steppe-legal",
        "al-steppe-legal",
        "Legal representation",
        "Advocates represent victims in criminal proceedings and explain their rights at "
        "every stage.",
        ("legal", "legal.representation"),
        ("children_accepted",),
        languages=("ru", "kk", "en"),
        channel="api",
        deadline=240,
    ),
    Spec(
        "al/steppe-legal/labour",
        "steppe-legal",
        "al-steppe-legal",
        "Labour rights advocacy",
        "Claims against employers for unpaid wages and damages, and complaints to the labour "
        "inspectorate.",
        ("legal.advocacy", "compensation"),
        minimum_age=16,
        languages=("ru", "kk"),
        channel="api",
        deadline=240,
    ),
    Spec(
        "al/migrant-compass/status",
        "migrant-compass",
        "al-migrant-compass",
        "Migration status and documents",
        "Registration, work permits, replacement passports and protection from deportation "
        "for foreign victims.",
        ("legal.immigration", "legal"),
        minimum_age=16,
        languages=("ru", "ky", "tg", "uz", "kk", "en"),
        intake=("ru", "en"),
        hours="office+saturday",
        deadline=120,
        interpretation="Lawyers speak Kyrgyz, Tajik and Uzbek.",
    ),
    Spec(
        "al/migrant-compass/wages",
        "migrant-compass",
        "al-migrant-compass",
        "Unpaid wages and compensation claims",
        "Recovers unpaid wages and claims compensation for migrants, also after they have "
        "returned home.",
        ("compensation", "legal.advocacy"),
        minimum_age=18,
        languages=("ru", "ky", "tg", "uz"),
        intake=("ru",),
        area="region",
        channel="api",
        deadline=240,
        verified="2025-11-28T10:15:00Z",
    ),
    Spec(
        "al/almaty-social/protection",
        "almaty-social",
        "al-social-protection",
        "Social protection and emergency aid",
        "Case management, emergency payments, food and clothing vouchers and referral to "
        "state services.",
        ("social_services", "basic_goods"),
        ("children_accepted",),
        languages=("ru", "kk"),
        deadline=240,
    ),
    Spec(
        "al/almaty-social/crisis-centre",
        "almaty-social",
        "al-social-crisis-centre",
        "Crisis centre and family support",
        "Crisis intervention, family support and child protection for families in danger.",
        ("social_services", "child_protection", "psychosocial"),
        ("children_accepted",),
        languages=("ru", "kk"),
        status="temporarily closed",
        deadline=120,
        alert="Closed for renovation; the Social Protection Department takes its cases.",
    ),
    Spec(
        "al/open-sky/counselling",
        "open-sky",
        "al-open-sky",
        "Counselling and support groups",
        "Individual counselling, art therapy for teenagers and weekly support groups.",
        ("psychosocial", "psychosocial.counselling"),
        minimum_age=14,
        languages=("ru", "kk", "en"),
        channel="api",
        deadline=180,
    ),
    Spec(
        "al/tumar/language-line",
        "tumar-language",
        "al-tumar",
        "Telephone and video interpreting",
        "Interpreters by phone or video within minutes, day and night.",
        ("interpretation",),
        languages=("ru", "kk", "uz", "ky", "tg", "en"),
        intake=("ru", "en"),
        hours="always",
        area="none",
        channel="api",
        deadline=30,
        interpretation="Russian, Kazakh, Uzbek, Kyrgyz, Tajik and English.",
        hotline=True,
    ),
    Spec(
        "al/tumar/on-site",
        "tumar-language",
        "al-tumar",
        "On-site interpreters, Almaty",
        "Interpreters at police stations, courts and hospitals in Almaty.",
        ("interpretation",),
        languages=("ru", "kk", "uz", "ky", "tg"),
        intake=("ru", "kk"),
        deadline=120,
        interpretation="Russian, Kazakh, Uzbek, Kyrgyz and Tajik.",
    ),
    Spec(
        "al/new-path/courses",
        "new-path",
        "al-new-path",
        "Vocational courses and job placement",
        "Courses in sewing, cooking, hairdressing and driving, with job placement.",
        ("employment_education",),
        minimum_age=16,
        languages=("ru", "kk"),
        channel="api",
        accepting=False,
        deadline=240,
        alert="All places are taken until the spring courses.",
    ),
    Spec(
        "al/steppe-wind/return",
        "steppe-wind",
        "al-steppe-wind",
        "Escorted return travel",
        "Escorted travel home to Kazakhstan, Kyrgyzstan, Tajikistan or Uzbekistan, and "
        "transport to hearings and appointments.",
        ("transport",),
        ("children_accepted",),
        languages=("ru", "kk", "ky", "uz", "tg"),
        intake=("ru",),
        hours="always",
        area="region",
        deadline=60,
    ),
    # ------------------------------------------------------------------ Tashkent
    Spec(
        "ts/crescent-garden/shelter",
        "crescent-garden",
        "ts-crescent-garden-shelter",
        "Shelter for women",
        "Confidential shelter for adult women survivors of trafficking, with counselling and "
        "a caseworker.",
        ("shelter", "psychosocial.counselling"),
        ("women_only",),
        minimum_age=18,
        languages=("uz", "ru", "en"),
        hours="always",
        deadline=30,
        beds=(2, 18),
    ),
    Spec(
        "ts/crescent-garden/advocacy",
        "crescent-garden",
        "ts-crescent-garden-office",
        "Court accompaniment and advocacy for women",
        "Accompanies women to police interviews and hearings and helps with victim statements.",
        ("legal.advocacy", "psychosocial"),
        ("women_only",),
        minimum_age=16,
        languages=("uz", "ru"),
        deadline=120,
    ),
    Spec(
        "ts/silk-road/house",
        "silk-road-children",
        "ts-silk-road-home",
        "Children's house, Tashkent",
        "A confidential house for trafficked and unaccompanied children, with a social worker "
        "for each child.",
        ("shelter", "child_protection"),
        ("children_only",),
        maximum_age=17,
        languages=("uz", "ru", "en"),
        hours="always",
        deadline=30,
        beds=(4, 12),
    ),
    Spec(
        "ts/chorsu/polyclinic",
        "chorsu-health",
        "ts-chorsu-health",
        "Polyclinic",
        "General medicine, paediatrics and emergency first aid; female doctors available.",
        ("medical",),
        ("female_medical_staff", "children_accepted"),
        languages=("uz", "ru", "tg"),
        hours="office+saturday",
        deadline=60,
        interpretation="A Tajik-speaking nurse.",
    ),
    Spec(
        "ts/chorsu/womens-health",
        "chorsu-health",
        "ts-chorsu-health",
        "Women's and reproductive health",
        "Gynaecology, antenatal care and sexual health with female doctors only.",
        ("medical",),
        ("women_only", "female_medical_staff"),
        minimum_age=14,
        languages=("uz", "ru"),
        deadline=120,
    ),
    Spec(
        "ts/chorsu/mental-health",
        "chorsu-health",
        "ts-chorsu-health",
        "Mental health outpatients",
        "Psychiatric assessment and treatment; a child psychologist on Tuesdays and Thursdays.",
        ("psychosocial.mental_health",),
        ("children_accepted",),
        languages=("uz", "ru"),
        deadline=180,
    ),
    Spec(
        "ts/caravan-men/hostel",
        "caravan-men",
        "ts-caravan-men",
        "Hostel for men, Tashkent",
        "Beds, meals and clothing for men returning from forced labour abroad.",
        ("shelter", "basic_goods"),
        ("men_only",),
        minimum_age=18,
        languages=("uz", "ru", "tg", "ky"),
        intake=("uz", "ru"),
        hours="always",
        deadline=60,
        beds=(3, 10),
    ),
    Spec(
        "ts/tashkent-social/rehabilitation",
        "tashkent-social",
        "ts-social-rehab",
        "Social rehabilitation programme",
        "Case management, psychological support, vocational guidance and help with benefits "
        "for returned victims.",
        ("social_services", "psychosocial", "employment_education"),
        ("children_accepted",),
        languages=("uz", "ru"),
        deadline=240,
    ),
    Spec(
        "ts/tashkent-social/child-protection",
        "tashkent-social",
        "ts-social-rehab",
        "Child protection unit",
        "Investigates risks to children, arranges guardianship and places children in care.",
        ("child_protection", "social_services"),
        ("children_only",),
        maximum_age=17,
        languages=("uz", "ru"),
        channel="api",
        deadline=60,
    ),
    Spec(
        "ts/tashkent-social/material-aid",
        "tashkent-social",
        "ts-social-rehab",
        "Emergency food and clothing",
        "Food parcels, clothing and hygiene items on the day of referral.",
        ("basic_goods",),
        ("children_accepted",),
        languages=("uz", "ru"),
        deadline=120,
        verified="2025-07-21T07:45:00Z",
    ),
    Spec(
        "ts/steppe-legal/representation",
        "steppe-legal",
        "ts-steppe-legal",
        "Legal representation, Tashkent",
        "Advocates represent victims in criminal cases and claim compensation in the same "
        "proceedings.",
        ("legal", "legal.representation", "compensation"),
        ("children_accepted",),
        languages=("uz", "ru", "en"),
        channel="api",
        deadline=240,
    ),
    Spec(
        "ts/steppe-legal/migration",
        "steppe-legal",
        "ts-steppe-legal",
        "Documents and return for migrants",
        "Replacement passports, exit permits and legal help for citizens returning from "
        "Kazakhstan, Russia and elsewhere.",
        ("legal.immigration",),
        minimum_age=16,
        languages=("uz", "ru", "en"),
        area="region",
        channel="api",
        deadline=180,
    ),
    Spec(
        "ts/open-sky/therapy",
        "open-sky",
        "ts-open-sky",
        "Psychological therapy, Tashkent",
        "Trauma therapy and psychiatric consultations for adults and older teenagers.",
        ("psychosocial", "psychosocial.mental_health"),
        minimum_age=16,
        languages=("uz", "ru", "en"),
        channel="api",
        deadline=180,
    ),
    Spec(
        "ts/open-sky/peer-groups",
        "open-sky",
        "ts-open-sky",
        "Peer support groups, Tashkent",
        "Weekly groups led by survivors.",
        ("psychosocial",),
        minimum_age=18,
        languages=("uz", "ru"),
        status="inactive",
        deadline=120,
    ),
    Spec(
        "ts/tumar/on-site",
        "tumar-language",
        "ts-tumar",
        "On-site interpreters, Tashkent",
        "Interpreters at police stations, courts and hospitals in Tashkent.",
        ("interpretation",),
        languages=("uz", "ru", "tg", "ky", "kk", "en"),
        intake=("uz", "ru"),
        deadline=120,
        interpretation="Uzbek, Russian, Tajik, Kyrgyz, Kazakh and English.",
    ),
    Spec(
        "ts/new-path/courses",
        "new-path",
        "ts-new-path",
        "Vocational courses and starter kits, Tashkent",
        "Courses in sewing, cooking and computer skills, and a starter kit of work clothes and "
        "tools.",
        ("employment_education", "basic_goods"),
        minimum_age=16,
        languages=("uz", "ru"),
        channel="api",
        deadline=240,
    ),
    Spec(
        "ts/steppe-wind/transport",
        "steppe-wind",
        "ts-steppe-wind",
        "Transport and escorts, Tashkent",
        "Escorts and transport to shelters, hearings and appointments, and onward travel home.",
        ("transport",),
        ("children_accepted",),
        languages=("uz", "ru", "tg", "kk"),
        intake=("uz", "ru"),
        hours="always",
        deadline=60,
    ),
)


# ---------------------------------------------------------------------------- building


def _fraction(key: str, salt: str) -> float:
    """A number in [0, 1) fixed by `key`: spreads locations without a random generator."""
    digest = hashlib.sha256(f"{salt}/{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def coordinates(place: Place) -> tuple[float, float]:
    """Fixed by the published address: a drop-in office lies where its day centre does."""
    city = CITIES[place.city]
    south, north, west, east = city.spread
    key = f"{place.city}/{place.address_1.removeprefix('Drop-in office, ')}"
    latitude = city.latitude + south + (north - south) * _fraction(key, "latitude")
    longitude = city.longitude + west + (east - west) * _fraction(key, "longitude")
    return round(latitude, 4), round(longitude, 4)


def rectangle(west: float, south: float, east: float, north: float) -> str:
    """A GeoJSON Polygon, as the JSON text HSDS `extent` holds."""
    w, s, e, n = (round(value, 4) for value in (west, south, east, north))
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]}, separators=(",", ":"))


def languages_json(owner: str, codes: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {"id": uid(f"{owner}/language/{code}"), "name": LANGUAGE_NAMES[code], "code": code}
        for code in codes
    ]


def organization_json(org: Org, number: str) -> dict[str, Any]:
    return {
        "id": uid(f"organization/{org.slug}"),
        "name": org.name,
        "description": org.description,
        "email": org.email,
        "website": org.website,
        "phones": [
            {
                "id": uid(f"organization/{org.slug}/phone"),
                "number": number,
                "type": "voice",
                "description": "Office line, answered in office hours.",
            }
        ],
    }


def location_json(place: Place) -> dict[str, Any]:
    city = CITIES[place.city]
    latitude, longitude = coordinates(place)
    location: dict[str, Any] = {
        "id": uid(f"location/{place.key}"),
        "location_type": "physical",
        "name": place.name,
    }
    if place.description:
        location["description"] = place.description
    location.update(
        {
            "latitude": latitude,
            "longitude": longitude,
            "x_tz": city.time_zone,
            "addresses": [
                {
                    "id": uid(f"location/{place.key}/address"),
                    "address_1": place.address_1,
                    "city": city.name,
                    "state_province": city.state_province,
                    "postal_code": place.postal_code,
                    "country": city.country,
                    "address_type": "physical",
                }
            ],
            "languages": languages_json(f"location/{place.key}", place.languages),
        }
    )
    if place.confidential_address:
        location["x_confidential"] = True
        location["x_confidential_address"] = {
            "address_1": place.confidential_address,
            "city": city.name,
            "country": city.country,
        }
    return location


def schedules_json(spec: Spec, city: City) -> list[dict[str, Any]]:
    owner = f"service_at_location/{spec.key}/schedule"
    if spec.hours == "always":
        return [
            {
                "id": uid(f"{owner}/always"),
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR,SA,SU",
                "opens_at": "00:00",
                "closes_at": "23:59",
                "description": "Open around the clock, every day including public holidays.",
            }
        ]
    opens, closes = city.office_hours
    schedules = [
        {
            "id": uid(f"{owner}/weekdays"),
            "freq": "WEEKLY",
            "byday": "MO,TU,WE,TH,FR",
            "opens_at": opens,
            "closes_at": closes,
            "description": f"Monday to Friday, {opens} to {closes}; closed on public holidays.",
        }
    ]
    if spec.hours == "office+saturday":
        schedules.append(
            {
                "id": uid(f"{owner}/saturday"),
                "freq": "WEEKLY",
                "byday": "SA",
                "opens_at": "09:00",
                "closes_at": "13:00",
                "description": "Saturday morning, 09:00 to 13:00.",
            }
        )
    return schedules


def service_areas_json(spec: Spec, city: City) -> list[dict[str, Any]]:
    area_id = uid(f"service_at_location/{spec.key}/service_area")
    if spec.area == "none":
        return []
    if spec.area == "region":
        region = city.region
        return [
            {
                "id": area_id,
                "name": region.name,
                "description": region.description,
                "extent_type": "geojson",
                "extent": rectangle(*region.bounds),
            }
        ]
    return [
        {
            "id": area_id,
            "name": city.name,
            "description": f"{city.name} and the surrounding districts (about 35 km).",
            "extent_type": "geojson",
            "extent": rectangle(
                city.longitude - 0.35,
                city.latitude - 0.35,
                city.longitude + 0.35,
                city.latitude + 0.35,
            ),
        }
    ]


def eligibility_text(spec: Spec) -> str:
    if spec.eligibility_text:
        return spec.eligibility_text
    terms = set(spec.eligibility)
    if "children_only" in terms:
        who = f"Children and young people up to the age of {spec.maximum_age}"
    else:
        if "women_only" in terms:
            who = "Women" if (spec.minimum_age or 0) >= 18 else "Women and girls"
        elif "men_only" in terms:
            who = "Men"
        elif (spec.minimum_age or 0) >= 18:
            who = "Adults"
        else:
            who = "Anyone"
        if spec.minimum_age is not None:
            who += f" aged {spec.minimum_age} and over"
    text = f"{who} who have been trafficked or exploited, or are presumed to be."
    if "children_accepted" in terms:
        text += " Children are welcome, with a parent or guardian where possible."
    if "female_medical_staff" in terms:
        text += " A female doctor or nurse is available on request."
    return text


def verified_at(index: int, spec: Spec) -> str:
    """Spread between 2026-06-01 and 2026-11-20, unless the spec gives an older date."""
    if spec.verified:
        return spec.verified
    day = date(2026, 6, 1) + timedelta(days=(index * 29) % 173)
    moment = datetime(day.year, day.month, day.day, 8 + (index * 5) % 9, (index * 17) % 60)
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def capacity_json(spec: Spec, index: int) -> list[dict[str, Any]]:
    if spec.beds is None:
        return []
    available, maximum = spec.beds
    updated = datetime(2026, 11, 20 + index % 4, 6 + index % 10, (index * 13) % 60, tzinfo=UTC)
    return [
        {
            "id": uid(f"service/{spec.key}/capacity/bed"),
            "unit": BED_UNIT,
            "available": available,
            "maximum": maximum,
            "description": "Free beds tonight, as reported by the shelter.",
            "updated": updated.isoformat().replace("+00:00", "Z"),
        }
    ]


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


def service_json(
    spec: Spec, index: int, sms_number: str, org_number: str, hotline_number: str | None
) -> dict[str, Any]:
    place = PLACES[spec.place]
    city = CITIES[place.city]
    org = ORGS[spec.org]
    service_id = uid(f"service/{spec.key}")
    service: dict[str, Any] = {
        "id": service_id,
        "name": f"{spec.name} (demo)",
        "description": spec.description,
        "email": org.email,
        "status": spec.status,
    }
    if spec.interpretation:
        service["interpretation_services"] = spec.interpretation
    service["eligibility_description"] = eligibility_text(spec)
    if spec.minimum_age is not None:
        service["minimum_age"] = spec.minimum_age
    if spec.maximum_age is not None:
        service["maximum_age"] = spec.maximum_age
    if spec.alert:
        service["alert"] = spec.alert
    service["x_verified_at"] = verified_at(index, spec)
    service["organization"] = organization_json(org, org_number)
    service["languages"] = languages_json(f"service/{spec.key}", spec.languages)
    if hotline_number:
        service["phones"] = [
            {
                "id": uid(f"service/{spec.key}/phone"),
                "number": hotline_number,
                "type": "voice",
                "description": "Hotline, answered day and night.",
            }
        ]
    capacities = capacity_json(spec, index)
    if capacities:
        service["capacities"] = capacities
    service["attributes"] = [
        attribute_json(service_id, CATEGORY_TAXONOMY, code) for code in spec.categories
    ] + [attribute_json(service_id, ELIGIBILITY_TAXONOMY, code) for code in spec.eligibility]
    service_at_location: dict[str, Any] = {
        "id": uid(f"service_at_location/{spec.key}"),
        "location": location_json(place),
        "schedules": schedules_json(spec, city),
    }
    areas = service_areas_json(spec, city)
    if areas:
        service_at_location["service_areas"] = areas
    service_at_location["x_referral_endpoint"] = {
        "channel": spec.channel,
        "address": sms_number if spec.channel == "sms" else org.api_endpoint,
        "languages": list(spec.intake or spec.languages[:2]),
        "accepting_referrals": spec.accepting,
        "response_deadline_minutes": spec.deadline,
    }
    service["service_at_locations"] = [service_at_location]
    return service


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


# ---------------------------------------------------------------------------- checks


def check_specs() -> None:
    """What the demo promises to matching; fails loudly when an edit breaks a promise."""
    for place in PLACES.values():
        assert set(place.languages) <= set(CITIES[place.city].region.languages), place.key
    keys = [spec.key for spec in SPECS]
    assert len(keys) == len(set(keys)), "service keys must be unique"
    for spec in SPECS:
        assert spec.org in ORGS and spec.place in PLACES, spec.key
        assert 1 <= len(spec.categories) <= 3, spec.key
        assert all(code in CATEGORIES for code in spec.categories), spec.key
        assert all(code in ELIGIBILITY_TERMS for code in spec.eligibility), spec.key
        assert spec.channel in ("sms", "api") and 30 <= spec.deadline <= 240, spec.key
        region = CITIES[PLACES[spec.place].city].region
        assert set(spec.languages) <= set(region.languages), spec.key
        assert set(spec.intake) <= set(spec.languages), spec.key
        terms = set(spec.eligibility)
        if "children_only" in terms:
            assert spec.maximum_age == 17 and spec.minimum_age is None, spec.key
        if "children_accepted" in terms:
            assert (spec.minimum_age or 0) < 18, spec.key
        if "men_only" in terms and "shelter" in spec.categories:
            assert spec.minimum_age == 18, spec.key
        if spec.beds is not None:
            assert "shelter" in spec.categories, spec.key
    for region in (CAMBODIA, CENTRAL_ASIA):
        specs = [s for s in SPECS if CITIES[PLACES[s.place].city].region is region]
        active = [s for s in specs if s.status == "active"]
        covered = {code for s in active for code in s.categories}
        assert covered == set(CATEGORIES), f"{region.name} lacks {set(CATEGORIES) - covered}"
        for term in ("female_medical_staff", "men_only", "children_only", "children_accepted"):
            assert any(term in s.eligibility for s in active), (region.name, term)
        shelters = [s for s in active if "shelter" in s.categories]
        for term in ("women_only", "men_only", "children_only"):
            assert any(term in s.eligibility for s in shelters), (region.name, term)
            for s in shelters:
                if term in ("women_only", "children_only") and term in s.eligibility:
                    assert PLACES[s.place].confidential_address, s.key
        assert any(s.beds is not None and s.beds[0] == 0 for s in shelters), region.name
        assert 1 <= len([s for s in specs if s.status != "active"]) <= 2, region.name
        assert 3 <= len([s for s in specs if s.area == "region"]) <= 4, region.name
    for city in CITIES.values():
        in_city = [s for s in SPECS if PLACES[s.place].city == city.slug]
        assert len(in_city) >= 16, city.slug
        covered = {code for s in in_city if s.status == "active" for code in s.categories}
        for code in (
            "shelter",
            "medical",
            "psychosocial",
            "legal",
            "child_protection",
            "interpretation",
            "social_services",
        ):
            assert code in covered, (city.slug, code)


def summary(files: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for name, services in files.items():
        lines.append(f"{name}: {len(services)} services")
    for region in (CAMBODIA, CENTRAL_ASIA):
        specs = [s for s in SPECS if CITIES[PLACES[s.place].city].region is region]
        counts = Counter(code for s in specs for code in s.categories)
        active = Counter(code for s in specs if s.status == "active" for code in s.categories)
        lines.append(f"{region.name}: {len(specs)} services")
        lines.extend(f"  {code:28} {counts[code]:2} ({active[code]} active)" for code in CATEGORIES)
    api = sum(1 for s in SPECS if s.channel == "api")
    organizations = len({s.org for s in SPECS})
    lines.append(f"{len(SPECS)} services, {organizations} organizations, {api} api endpoints")
    return "\n".join(lines)


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
