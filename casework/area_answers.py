"""The area answer takes a town or district only: what looks like a street address or a phone
number is refused (and not kept), since the answer is stored and reaches matching and the
directory's gaps, where an address would say where the person can be found."""

from enum import StrEnum

from referral_directory.candidates import normalise_area_name


class NotAnArea(StrEnum):
    ADDRESS = "address"
    CONTACT = "contact"  # a phone number or an e-mail address


# Words of a street address in the officers' languages. Not abbreviations that are also the
# start of place names ("St" Petersburg).
_STREET_WORDS = frozenset(
    {
        "street", "road", "avenue", "lane", "flat", "apt", "apartment", "house", "building",
        "floor", "room", "block", "entrance",
        "улица", "ул", "проспект", "переулок", "дом", "кв", "квартира", "корпус", "подъезд",
        "этаж",
        "rue", "boulevard", "appartement", "bâtiment", "étage",
        "đường", "ngõ", "hẻm", "ngách", "nhà", "phòng",
    }
)  # fmt: skip
# Thai and Khmer write no spaces between words: these are looked for inside the text.
_STREET_WORDS_UNSPACED = ("ถนน", "ซอย", "บ้านเลขที่", "ផ្លូវ", "ផ្ទះ", "បន្ទប់")
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


def not_an_area(text: str) -> NotAnArea | None:
    """Why `text` is not an area, or None when it may be one."""
    if "@" in text or sum(ch.isdigit() for ch in text) >= _PHONE_DIGITS:
        return NotAnArea.CONTACT
    words = normalise_area_name(text).split()
    if any(word in _STREET_WORDS for word in words) or any(
        word in text for word in _STREET_WORDS_UNSPACED
    ):
        return NotAnArea.ADDRESS
    for before, word in zip(["", *words], words, strict=False):
        if any(ch.isdigit() for ch in word) and before not in _NUMBERED_AREAS:
            return NotAnArea.ADDRESS  # a house or flat number
    return None
