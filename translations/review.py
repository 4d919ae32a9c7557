"""Review state of the catalogs: what a native reviewer approved, what is fuzzy, what is missing.

An approval removes the `#, fuzzy` flag of the approved entries in the `.po` file itself (what
translators' tools read) and appends who approved what, and when, to the language's review log
`locale/<lang>/reviews.yml`, so a deployment can show which translations a person has checked.
The `.po` files are edited line by line rather than rewritten, so a review changes nothing else.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from babel.messages.mofile import write_mo

from translations.catalog import (
    APPROVED_SOURCE,
    LOCALE_DIR,
    SOURCE_LANGUAGE,
    Catalogs,
    load_catalogs,
    read_catalog,
    source_fingerprint,
)

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
        elif language != SOURCE_LANGUAGE and not catalogs.lookup(message_id, language).reviewed:
            fuzzy += 1  # fuzzy, or approved for an English text that has changed since
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


def _unfuzz(path: Path, wanted: set[str] | None, sources: dict[str, str]) -> set[str]:
    """Approves each wanted msgid (all if None): drops its fuzzy flag and records the fingerprint
    of the English text approved (`sources`: id -> English text), replacing an older one.
    Returns the ids whose state changed."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out: list[str] = []
    changed: set[str] = set()
    block: list[str] = []  # the comment lines above the next msgid
    for line in lines:
        if line.startswith("#"):
            block.append(line)
            continue
        match = _MSGID.match(line)
        message_id = match["id"] if match is not None else ""  # symbolic ids: plain ASCII
        if message_id and (wanted is None or message_id in wanted):
            stamp = f"#. {APPROVED_SOURCE} {source_fingerprint(sources[message_id])}\n"
            approved = [stamp, *_without_fuzzy(c for c in block if APPROVED_SOURCE not in c)]
            if approved != block:
                changed.add(message_id)
                block = approved
        out += [*block, line]
        block = []
    out += block
    if changed:
        path.write_text("".join(out), encoding="utf-8")
    return changed


def _without_fuzzy(comments: Iterable[str]) -> list[str]:
    kept = []
    for comment in comments:
        if comment.startswith("#,"):
            flags = [f.strip() for f in comment[2:].split(",") if f.strip() != "fuzzy"]
            if flags:
                kept.append(f"#, {', '.join(flags)}\n")
        else:
            kept.append(comment)
    return kept


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
    sources = {i: catalogs.lookup(i, SOURCE_LANGUAGE).text for i in catalogs.message_ids()}
    for path in sorted((locale_dir / language / "LC_MESSAGES").glob("*.po")):
        changed |= _unfuzz(path, wanted, sources)
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
