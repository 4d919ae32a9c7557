"""The area answer takes a town or district only: what looks like a street address or a phone
number is refused (and not kept), since the answer is stored and reaches matching and the
directory's gaps, where an address would say where the person can be found.

The officer's note to a provider (`casework.referral_notes`) is refused by the same words, read
more leniently: a note may ask for "a ground-floor room", but not give "room 12"."""

import re
from enum import StrEnum

from referral_directory.candidates import normalise_area_name


class NotAnArea(StrEnum):
    ADDRESS = "address"
    CONTACT = "contact"  # a phone number or an e-mail address


# Words of a street address in the officers' languages. Not abbreviations that are also the
# start of place names ("St" Petersburg). Street names say an address in any text; the parts
# of a building do in an area, and in a note only beside a number.
_STREET_NAMES = frozenset(
    {
        "street", "road", "avenue", "lane",
        "улица", "ул", "проспект", "переулок",
        "rue", "boulevard",
        "đường", "ngõ", "hẻm", "ngách",
    }
)  # fmt: skip
_BUILDING_PARTS = frozenset(
    {
        "flat", "apt", "apartment", "house", "building", "floor", "room", "block", "entrance",
        "дом", "кв", "квартира", "корпус", "подъезд", "этаж",
        "appartement", "bâtiment", "étage",
        "nhà", "phòng",
    }
)  # fmt: skip
_STREET_WORDS = _STREET_NAMES | _BUILDING_PARTS
# Thai and Khmer write no spaces between words: these are looked for inside the text.
_STREET_NAMES_UNSPACED = ("ถนน", "ซอย", "บ้านเลขที่", "ផ្លូវ")
_STREET_WORDS_UNSPACED = (*_STREET_NAMES_UNSPACED, "ផ្ទះ", "បន្ទប់")
# Words after which a number names an area, not a house ("Quận 1", "District 5", "мкр 4").
_NUMBERED_AREAS = frozenset(
    {
        "district", "zone", "sector", "arrondissement",
        "район", "микрорайон", "мкр", "квартал",
        "quận", "huyện", "phường",
        "เขต", "แขวง",
        "ខណ្ឌ", "សង្កាត់",
    }
)  # fmt: skip
_PHONE_DIGITS = 6


def _is_contact(text: str) -> bool:
    return "@" in text or sum(ch.isdigit() for ch in text) >= _PHONE_DIGITS


def _has_number(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


# House numbers written the way addresses write them: "150/2", "12-3", "№ 7", "#7", "no. 77".
_HOUSE_NUMBER = re.compile(r"\d+\s*[/\\-]\s*\d+|[№#]\s*\d|\bno\.\s*\d", re.IGNORECASE)


def whereabouts_in_note(text: str) -> NotAnArea | None:
    """Why free text about a person says where they can be reached or found (a contact, a
    street, a numbered house, flat or room), or None when it does not seem to."""
    if _is_contact(text):
        return NotAnArea.CONTACT
    if _HOUSE_NUMBER.search(text):
        return NotAnArea.ADDRESS
    words = normalise_area_name(text).split()
    if any(word in _STREET_NAMES for word in words) or any(
        word in text for word in _STREET_NAMES_UNSPACED
    ):
        return NotAnArea.ADDRESS
    for index, word in enumerate(words):
        beside = words[max(index - 1, 0) : index + 2]
        if word in _BUILDING_PARTS and any(_has_number(other) for other in beside):
            return NotAnArea.ADDRESS  # "room 12", "5 этаж"
    return None


def not_an_area(text: str) -> NotAnArea | None:
    """Why `text` is not an area, or None when it may be one."""
    if _is_contact(text):
        return NotAnArea.CONTACT
    words = normalise_area_name(text).split()
    if any(word in _STREET_WORDS for word in words) or any(
        word in text for word in _STREET_WORDS_UNSPACED
    ):
        return NotAnArea.ADDRESS
    for before, word in zip(["", *words], words, strict=False):
        if _has_number(word) and before not in _NUMBERED_AREAS:
            return NotAnArea.ADDRESS  # a house or flat number
    return None
