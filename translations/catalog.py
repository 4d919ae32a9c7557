"""gettext catalogs (one .po file per language), read with Babel.

Message ids are symbolic (`utter_greet`, `web.chat.send`); the English catalog holds the source
texts. A language's catalog is every `.po` file in its `LC_MESSAGES` folder (one gettext domain
per feature: `passage.po` for the dialogue, `referrals.po` for provider-facing texts, ...); a
message id may appear in only one of them. Placeholders use Python's brace syntax
(`{reference}`), which Rasa also interpolates.
"""

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"


class UnknownMessage(KeyError):
    """A message id that the source catalog does not have: a programming error."""


@dataclass(frozen=True)
class Text:
    language: str
    text: str
    reviewed: bool  # False: no native reviewer approved it (the entry is fuzzy) or it fell back


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


class Catalogs:
    def __init__(self, catalogs: dict[str, Catalog]) -> None:
        if SOURCE_LANGUAGE not in catalogs:
            raise ValueError(f"the {SOURCE_LANGUAGE} source catalog is missing")
        self._catalogs = catalogs

    @property
    def languages(self) -> list[str]:
        return sorted(self._catalogs)

    def message_ids(self, language: str = SOURCE_LANGUAGE) -> list[str]:
        return sorted(str(m.id) for m in self._catalogs[language] if m.id)

    def lookup(self, message_id: str, language: str) -> Text:
        """The text in `language`, or the English source (marked unreviewed) if it has none."""
        source = self._catalogs[SOURCE_LANGUAGE].get(message_id)
        if source is None or not source.string:
            raise UnknownMessage(message_id)
        catalog = self._catalogs.get(language)
        entry = catalog.get(message_id) if catalog is not None else None
        if entry is not None and entry.string:
            return Text(language, str(entry.string), reviewed=not entry.fuzzy)
        return Text(SOURCE_LANGUAGE, str(source.string), reviewed=False)

    def render(self, message_id: str, language: str, **values: object) -> str:
        return self.lookup(message_id, language).text.format(**values)


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def merge_domains(files: list[Path]) -> Catalog:
    """One catalog of a language from its domain files; the first file's header is kept."""
    merged = read_catalog(files[0])
    for path in files[1:]:
        for message in read_catalog(path):
            if not message.id:
                continue
            if message.id in merged:
                raise ValueError(f"{path}: message id {message.id!r} is also in another domain")
            merged[message.id] = message
    return merged


def load_catalogs(locale_dir: Path = LOCALE_DIR) -> Catalogs:
    found = {
        folder.parent.name: merge_domains(sorted(folder.glob("*.po")))
        for folder in sorted(locale_dir.glob("*/LC_MESSAGES"))
        if any(folder.glob("*.po"))
    }
    return Catalogs(found)


@lru_cache(maxsize=1)
def shipped_catalogs() -> Catalogs:
    return load_catalogs()
