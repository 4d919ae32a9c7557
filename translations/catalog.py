"""gettext catalogs (one .po file per language), read with Babel.

Message ids are symbolic (`utter_greet`, `web.chat.send`); the English catalog holds the source
texts. A language's catalog is every `.po` file in its `LC_MESSAGES` folder (one gettext domain
per feature: `passage.po` for the dialogue, `referrals.po` for provider-facing texts, ...); a
message id may appear in only one of them. Placeholders use Python's brace syntax
(`{reference}`), which Rasa also interpolates.
"""

import hashlib
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
# The texts shown or read to the person. Every other domain is the officers' and providers', so a
# language that ships only this domain is a person-facing language, not an officer language.
PERSON_DOMAIN = "person"
OFFICER_DOMAIN = "passage"
# The extracted comment (`#. reviewed-source: <fingerprint>`) `passage translations review`
# writes above an entry it approves.
APPROVED_SOURCE = "reviewed-source:"


class UnknownMessage(KeyError):
    """A message id that the source catalog does not have: a programming error."""


@dataclass(frozen=True)
class Text:
    language: str
    text: str
    reviewed: bool  # False: no native reviewer approved it (the entry is fuzzy) or it fell back


def source_fingerprint(source_text: str) -> str:
    """What an approval records of the English text it approved a translation of."""
    return hashlib.sha256(source_text.encode("utf-8")).hexdigest()[:16]


def approval_is_current(entry: Message, source_text: str) -> bool:
    """False when the English text changed after the translation was approved: message ids are
    symbolic, so gettext tools cannot see the change and would keep the approval."""
    for comment in entry.auto_comments:
        if comment.startswith(APPROVED_SOURCE):
            return comment.removeprefix(APPROVED_SOURCE).strip() == source_fingerprint(source_text)
    return True  # approved by a translator's tool, which records no fingerprint


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


class Catalogs:
    def __init__(
        self,
        catalogs: dict[str, Catalog],
        domains: dict[str, set[str]] | None = None,
        source_domains: dict[str, str] | None = None,
    ) -> None:
        """`domains`: which gettext domains each language ships (default: the officer's);
        `source_domains`: the domain of each source message id (default: the officer's)."""
        if SOURCE_LANGUAGE not in catalogs:
            raise ValueError(f"the {SOURCE_LANGUAGE} source catalog is missing")
        self._catalogs = catalogs
        self._domains = domains or {language: {OFFICER_DOMAIN} for language in catalogs}
        self._source_domains = source_domains or {}

    @property
    def languages(self) -> list[str]:
        """Languages the whole dialogue is in: the officers' and providers' languages."""
        return sorted(lang for lang, found in self._domains.items() if found != {PERSON_DOMAIN})

    @property
    def person_languages(self) -> list[str]:
        """Languages the person-facing texts (consent, decisions, handout) are in."""
        return sorted(self._catalogs)

    def domains(self, language: str) -> set[str]:
        return set(self._domains.get(language, set()))

    def message_ids(self, language: str = SOURCE_LANGUAGE) -> list[str]:
        return sorted(str(m.id) for m in self._catalogs[language] if m.id)

    def domain_of(self, message_id: str) -> str:
        if self._catalogs[SOURCE_LANGUAGE].get(message_id) is None:
            raise UnknownMessage(message_id)
        return self._source_domains.get(message_id, OFFICER_DOMAIN)

    def expected_ids(self, language: str) -> list[str]:
        """The source ids a language must translate: all of them, or the person's only."""
        ids = self.message_ids(SOURCE_LANGUAGE)
        if language in self.languages:
            return ids
        return [i for i in ids if self.domain_of(i) == PERSON_DOMAIN]

    def entry(self, message_id: str, language: str) -> Message | None:
        catalog = self._catalogs.get(language)
        return catalog.get(message_id) if catalog is not None else None

    def lookup(self, message_id: str, language: str) -> Text:
        """The text in `language`, or the English source (marked unreviewed) if it has none."""
        source = self._catalogs[SOURCE_LANGUAGE].get(message_id)
        if source is None or not source.string:
            raise UnknownMessage(message_id)
        catalog = self._catalogs.get(language)
        entry = catalog.get(message_id) if catalog is not None else None
        if entry is not None and entry.string:
            reviewed = not entry.fuzzy and approval_is_current(entry, str(source.string))
            return Text(language, str(entry.string), reviewed=reviewed)
        return Text(SOURCE_LANGUAGE, str(source.string), reviewed=False)

    def render(self, message_id: str, language: str, **values: object) -> str:
        return self.lookup(message_id, language).text.format(**values)


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def merge_domains(files: list[Path]) -> tuple[Catalog, dict[str, str]]:
    """One catalog of a language from its domain files (the first file's header is kept), and
    the domain (file stem) of each message id."""
    merged = read_catalog(files[0])
    domain_of = {str(m.id): files[0].stem for m in merged if m.id}
    for path in files[1:]:
        for message in read_catalog(path):
            if not message.id:
                continue
            if message.id in merged:
                raise ValueError(f"{path}: message id {message.id!r} is also in another domain")
            merged[message.id] = message
            domain_of[str(message.id)] = path.stem
    return merged, domain_of


def load_catalogs(locale_dir: Path = LOCALE_DIR) -> Catalogs:
    folders = [
        folder for folder in sorted(locale_dir.glob("*/LC_MESSAGES")) if any(folder.glob("*.po"))
    ]
    merged = {f.parent.name: merge_domains(sorted(f.glob("*.po"))) for f in folders}
    domains = {f.parent.name: {p.stem for p in f.glob("*.po")} for f in folders}
    source_domains = merged[SOURCE_LANGUAGE][1] if SOURCE_LANGUAGE in merged else {}
    return Catalogs({k: v[0] for k, v in merged.items()}, domains, source_domains)


@lru_cache(maxsize=1)
def shipped_catalogs() -> Catalogs:
    return load_catalogs()
