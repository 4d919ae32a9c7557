"""Review state of the catalogs: what a native reviewer approved, what is fuzzy, what is missing.

An approval removes the `#, fuzzy` flag of the approved entries in the `.po` file itself (what
translators' tools read) and appends who approved what, and when, to the language's review log
`locale/<lang>/reviews.yml`, so a deployment can show which translations a person has checked.
The `.po` files are edited line by line rather than rewritten, so a review changes nothing else.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from babel.messages.mofile import write_mo

from translations.catalog import LOCALE_DIR, SOURCE_LANGUAGE, Catalogs, load_catalogs, read_catalog

REVIEW_LOG = "reviews.yml"
_MSGID = re.compile(r'^msgid "(?P<id>(?:[^"\\]|\\.)*)"\s*$')


class ReviewError(ValueError):
    """A review that cannot be recorded: unknown language or message id, or a missing text."""


@dataclass(frozen=True)
class LanguageStatus:
    language: str
    expected: int
    reviewed: int
    fuzzy: int
    missing: int
    officer_language: bool


@dataclass(frozen=True)
class Approval:
    reviewer: str
    on: date
    scope: str  # "catalog" or a message id
    entries: int


def language_status(catalogs: Catalogs, language: str) -> LanguageStatus:
    expected = catalogs.expected_ids(language)
    reviewed = fuzzy = missing = 0
    for message_id in expected:
        entry = catalogs.entry(message_id, language)
        if entry is None or not entry.string:
            missing += 1
        elif language != SOURCE_LANGUAGE and entry.fuzzy:
            fuzzy += 1
        else:
            reviewed += 1
    return LanguageStatus(
        language,
        len(expected),
        reviewed,
        fuzzy,
        missing,
        officer_language=language in catalogs.languages,
    )


def status(locale_dir: Path = LOCALE_DIR) -> list[LanguageStatus]:
    catalogs = load_catalogs(locale_dir)
    return [language_status(catalogs, lang) for lang in catalogs.person_languages]


def approvals(language: str, locale_dir: Path = LOCALE_DIR) -> list[Approval]:
    path = locale_dir / language / REVIEW_LOG
    if not path.exists():
        return []
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        Approval(str(r["reviewer"]), date.fromisoformat(str(r["on"])), r["scope"], r["entries"])
        for r in rows
    ]


def _unfuzz(path: Path, wanted: set[str] | None) -> set[str]:
    """Drops the fuzzy flag above each wanted msgid (all if None); returns the ids changed."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    changed: set[str] = set()
    for index, line in enumerate(lines):
        match = _MSGID.match(line)
        if match is None or not match["id"]:
            continue
        message_id = match["id"]  # symbolic ids: plain ASCII, no escapes
        if wanted is not None and message_id not in wanted:
            continue
        flags_at = index - 1
        while (
            flags_at >= 0
            and lines[flags_at].startswith("#")
            and not lines[flags_at].startswith("#,")
        ):
            flags_at -= 1
        if flags_at < 0 or not lines[flags_at].startswith("#,"):
            continue
        flags = [f.strip() for f in lines[flags_at][2:].split(",")]
        if "fuzzy" not in flags:
            continue
        rest = [f for f in flags if f != "fuzzy"]
        lines[flags_at] = f"#, {', '.join(rest)}\n" if rest else ""
        changed.add(message_id)
    if changed:
        path.write_text("".join(lines), encoding="utf-8")
    return changed


def approve(
    language: str,
    reviewer: str,
    *,
    on: date,
    message_id: str | None = None,
    locale_dir: Path = LOCALE_DIR,
) -> Approval:
    """Records that `reviewer` approved the whole catalog of `language`, or one message id."""
    reviewer = reviewer.strip()
    if not reviewer:
        raise ReviewError("a reviewer's name is required")
    catalogs = load_catalogs(locale_dir)
    if language == SOURCE_LANGUAGE or language not in catalogs.person_languages:
        raise ReviewError(f"no translated catalog for language {language!r}")
    if message_id is not None:
        entry = catalogs.entry(message_id, language)
        if entry is None or not entry.string:
            raise ReviewError(f"{language} has no text for message id {message_id!r}")
    wanted = None if message_id is None else {message_id}
    changed: set[str] = set()
    for path in sorted((locale_dir / language / "LC_MESSAGES").glob("*.po")):
        changed |= _unfuzz(path, wanted)
    approval = Approval(reviewer, on, message_id or "catalog", len(changed))
    log = locale_dir / language / REVIEW_LOG
    rows = yaml.safe_load(log.read_text(encoding="utf-8")) if log.exists() else None
    rows = (rows or []) + [
        {
            "reviewer": reviewer,
            "on": on.isoformat(),
            "scope": approval.scope,
            "entries": len(changed),
        }
    ]
    log.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return approval


def compile_catalogs(out_dir: Path, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Checks every catalog with Babel and writes its `.mo` file (fuzzy entries included, since
    they are shown with a notice). Raises ValueError listing every problem Babel finds."""
    problems: list[str] = []
    written: list[Path] = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        catalog = read_catalog(po)
        for message, errors in catalog.check():
            problems += [f"{po}: {message.id!r}: {error}" for error in errors]
        target = out_dir / po.relative_to(locale_dir).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=True)
        written.append(target)
    if problems:
        raise ValueError("\n".join(problems))
    return written
