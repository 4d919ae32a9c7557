"""Review state: status counts, approvals that unfuzz entries and are logged, Babel compile."""

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from translations.catalog import LOCALE_DIR, load_catalogs
from translations.review import (
    ReviewError,
    approvals,
    approve,
    compile_catalogs,
    status,
)

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
TODAY = date(2026, 11, 23)


def _po(root: Path, language: str, domain: str, body: str) -> Path:
    folder = root / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{domain}.po"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.fixture
def locale(tmp_path: Path) -> Path:
    _po(tmp_path, "en", "passage", 'msgid "a"\nmsgstr "A"\n\nmsgid "b"\nmsgstr "B {x}"\n')
    _po(tmp_path, "en", "person", 'msgid "p"\nmsgstr "P"\n')
    _po(
        tmp_path,
        "fr",
        "passage",
        '# a comment\n#, fuzzy\nmsgid "a"\nmsgstr "Ah"\n\n#, fuzzy, python-brace-format\n'
        'msgid "b"\nmsgstr "Bé {x}"\n',
    )
    _po(tmp_path, "fr", "person", 'msgid "p"\nmsgstr ""\n')
    _po(tmp_path, "my", "person", '#, fuzzy\nmsgid "p"\nmsgstr "ပ"\n')
    return tmp_path


def test_status_counts_reviewed_fuzzy_and_missing(locale: Path) -> None:
    by_language = {s.language: s for s in status(locale)}
    fr = by_language["fr"]
    assert (fr.expected, fr.reviewed, fr.fuzzy, fr.missing) == (3, 0, 2, 1)
    assert fr.officer_language
    my = by_language["my"]
    assert (my.expected, my.reviewed, my.fuzzy, my.missing) == (1, 0, 1, 0)
    assert not my.officer_language
    en = by_language["en"]
    assert (en.reviewed, en.fuzzy, en.missing) == (3, 0, 0)


def test_approving_one_message_unfuzzes_it_alone_and_logs_who(locale: Path) -> None:
    approval = approve("fr", "Amélie Roux", on=TODAY, message_id="b", locale_dir=locale)
    assert (approval.scope, approval.entries) == ("b", 1)
    catalogs = load_catalogs(locale)
    assert catalogs.lookup("b", "fr").reviewed
    assert not catalogs.lookup("a", "fr").reviewed
    text = (locale / "fr" / "LC_MESSAGES" / "passage.po").read_text(encoding="utf-8")
    assert '#, python-brace-format\nmsgid "b"' in text  # other flags are kept
    assert '# a comment\n#, fuzzy\nmsgid "a"' in text
    assert approvals("fr", locale) == [approval]


def test_approving_a_catalog_unfuzzes_every_domain_and_status_follows(locale: Path) -> None:
    approve("fr", "A. Roux", on=TODAY, locale_dir=locale)
    approve("my", "Ko Aung", on=TODAY, locale_dir=locale)
    by_language = {s.language: s for s in status(locale)}
    assert (by_language["fr"].reviewed, by_language["fr"].fuzzy) == (2, 0)
    assert by_language["fr"].missing == 1  # an approval does not invent a missing text
    assert by_language["my"].reviewed == 1
    assert [a.reviewer for a in approvals("fr", locale)] == ["A. Roux"]


@pytest.mark.parametrize(
    ("language", "message_id", "reviewer"),
    [("xx", None, "R"), ("en", None, "R"), ("fr", "zzz", "R"), ("fr", "p", "R"), ("fr", None, " ")],
)
def test_impossible_approvals_are_refused(
    locale: Path, language: str, message_id: str | None, reviewer: str
) -> None:
    before = (locale / "fr" / "LC_MESSAGES" / "passage.po").read_text(encoding="utf-8")
    with pytest.raises(ReviewError):
        approve(language, reviewer, on=TODAY, message_id=message_id, locale_dir=locale)
    assert (locale / "fr" / "LC_MESSAGES" / "passage.po").read_text(encoding="utf-8") == before
    assert approvals("fr", locale) == []


def test_compile_writes_mo_files_babel_can_read(locale: Path, tmp_path: Path) -> None:
    written = compile_catalogs(tmp_path / "out", locale)
    assert len(written) == 5
    with (tmp_path / "out" / "fr" / "LC_MESSAGES" / "passage.mo").open("rb") as handle:
        compiled = read_mo(handle)
    assert compiled.get("b").string == "Bé {x}"  # fuzzy entries are shipped, with a notice


def test_the_shipped_catalogs_compile(tmp_path: Path) -> None:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    assert compile_catalogs(tmp_path / "out", copy)


def test_shipped_status_is_the_truth_about_the_files() -> None:
    """Counted a second way: fuzzy flags and msgids in the raw files of each language."""
    for row in status():
        files = list((LOCALE_DIR / row.language / "LC_MESSAGES").glob("*.po"))
        raw = "".join(f.read_text(encoding="utf-8") for f in files)
        flagged = len(re.findall(r"^#,.*\bfuzzy\b", raw, flags=re.MULTILINE))
        ids = len(re.findall(r'^msgid "[^"]+"', raw, flags=re.MULTILINE))
        assert row.fuzzy == flagged, row.language
        assert row.reviewed + row.fuzzy == ids, row.language
        assert row.reviewed + row.fuzzy + row.missing == row.expected


def test_an_approval_lapses_when_the_english_text_changes(locale: Path) -> None:
    approve("fr", "A. Roux", on=TODAY, message_id="a", locale_dir=locale)
    assert load_catalogs(locale).lookup("a", "fr").reviewed
    english = locale / "en" / "LC_MESSAGES" / "passage.po"
    english.write_text(english.read_text(encoding="utf-8").replace('"A"', '"A, reworded"'))

    catalogs = load_catalogs(locale)
    assert not catalogs.lookup("a", "fr").reviewed  # shown with the notice again
    fr = next(s for s in status(locale) if s.language == "fr")
    assert (fr.reviewed, fr.fuzzy) == (0, 3 - fr.missing)

    again = approve("fr", "A. Roux", on=TODAY, message_id="a", locale_dir=locale)
    assert again.entries == 1 and load_catalogs(locale).lookup("a", "fr").reviewed
    text = (locale / "fr" / "LC_MESSAGES" / "passage.po").read_text(encoding="utf-8")
    assert text.count("reviewed-source:") == 1  # the old fingerprint was replaced


def test_approving_twice_changes_nothing_the_second_time(locale: Path) -> None:
    approve("fr", "A. Roux", on=TODAY, locale_dir=locale)
    before = (locale / "fr" / "LC_MESSAGES" / "passage.po").read_text(encoding="utf-8")
    assert approve("fr", "B. Roux", on=TODAY, locale_dir=locale).entries == 0
    assert (locale / "fr" / "LC_MESSAGES" / "passage.po").read_text(encoding="utf-8") == before
