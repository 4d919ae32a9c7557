"""The officer-facing text of a matching reason or gap (codes from referral_directory.matching)."""

from collections.abc import Mapping

from translations.catalog import Catalogs, UnknownMessage, shipped_catalogs


def language_name(code: str, language: str, catalogs: Catalogs | None = None) -> str:
    """`uz` -> "Uzbek" in the officer's language; the code itself for a language we lack."""
    try:
        return (catalogs or shipped_catalogs()).render(f"language_name.{code}", language)
    except UnknownMessage:
        return code


def reason_text(
    code: str, params: Mapping[str, object], language: str, catalogs: Catalogs | None = None
) -> str:
    catalogs = catalogs or shipped_catalogs()
    values = dict(params)
    if "language" in values:
        values["language"] = language_name(str(values["language"]), language, catalogs)
    # Not render(): a reason's own `language` parameter would clash with its argument.
    return catalogs.lookup(f"match.reason.{code}", language).text.format(**values)


def gap_text(code: str, language: str, catalogs: Catalogs | None = None) -> str:
    return (catalogs or shipped_catalogs()).render(f"match.gap.{code}", language)
