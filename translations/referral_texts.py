"""Texts of referral statuses, reasons and addresses, in any shipped language."""

from typing import Any

from translations.catalog import Catalogs

# Address fields in the order people write them.
_ADDRESS_FIELDS = ("address_1", "address_2", "city", "state_province", "postal_code", "country")


def status_text(catalogs: Catalogs, status: str, language: str) -> str:
    return catalogs.render(f"referral.status.{status}", language)


def reason_text(catalogs: Catalogs, reason: str | None, language: str) -> str:
    return catalogs.render(f"referral.reason.{reason or 'other'}", language)


def address_line(address: dict[str, Any]) -> str:
    return ", ".join(str(address[key]) for key in _ADDRESS_FIELDS if address.get(key))
