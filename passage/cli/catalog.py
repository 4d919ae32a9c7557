"""`passage translations status|review|compile`: the review state of the text catalogs."""

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from passage.config import get_settings


def _locale_dir(args: argparse.Namespace) -> Path:
    from translations.catalog import LOCALE_DIR

    return Path(args.locale_dir) if args.locale_dir else LOCALE_DIR


def _status(args: argparse.Namespace) -> int:
    from translations.review import approvals, status

    print(
        f"{'language':<9} {'for':<8} {'texts':>5} {'reviewed':>9} {'fuzzy':>6} {'missing':>8}"
        "  last review"
    )
    locale_dir = _locale_dir(args)
    for row in status(locale_dir):
        logged = approvals(row.language, locale_dir)
        last = f"{logged[-1].on} by {logged[-1].reviewer}" if logged else "-"
        if row.language == "en":
            last = "source"
        who = "officer" if row.officer_language else "person"
        print(
            f"{row.language:<9} {who:<8} {row.expected:>5} {row.reviewed:>9} {row.fuzzy:>6} "
            f"{row.missing:>8}  {last}"
        )
    print(
        "fuzzy: shown, but no native reviewer approved it; the officer is told an interpreter "
        "must confirm person-facing texts. missing: shown in English."
    )
    return 0


def _review(args: argparse.Namespace) -> int:
    from translations.review import ReviewError, approve

    try:
        approval = approve(
            args.language,
            args.reviewer,
            on=datetime.now(UTC).date(),
            message_id=args.message_id,
            locale_dir=_locale_dir(args),
        )
    except ReviewError as error:
        print(f"Not recorded: {error}.", file=sys.stderr)
        return 2
    what = "the whole catalog" if approval.scope == "catalog" else approval.scope
    print(
        f"Recorded: {approval.reviewer} approved {what} of {args.language} on {approval.on} "
        f"({approval.entries} entries no longer fuzzy). Commit translations/locale/ to keep it."
    )
    return 0


def _compile(args: argparse.Namespace) -> int:
    from translations.review import compile_catalogs

    out = Path(args.out) if args.out else get_settings().var_dir / "build" / "locale"
    try:
        written = compile_catalogs(out)
    except ValueError as error:
        print(f"The catalogs have errors:\n{error}", file=sys.stderr)
        return 1
    print(f"Compiled {len(written)} catalogs into {out}")
    return 0


_LOCALE_HELP = "catalogs to read (default: the shipped translations/locale)"


def add_review_commands(sub: Any) -> None:
    """Adds the review subcommands to the `translations` command's subparsers."""
    status = sub.add_parser(
        "status", help="per language: texts reviewed by a native speaker, fuzzy, missing"
    )
    status.add_argument("--locale-dir", metavar="DIR", help=_LOCALE_HELP)
    status.set_defaults(handler=_status)
    review = sub.add_parser(
        "review",
        help="record that a native reviewer approved a language's catalog (or one message id)",
    )
    review.add_argument("language", metavar="LANG", help="language code, e.g. km")
    review.add_argument("--reviewer", required=True, metavar="NAME", help="who approved it")
    review.add_argument(
        "--message-id", metavar="ID", help="approve this entry only (default: every entry)"
    )
    review.add_argument("--locale-dir", metavar="DIR", help=_LOCALE_HELP)
    review.set_defaults(handler=_review)
    compile_ = sub.add_parser(
        "compile", help="check every catalog with Babel and write the .mo files"
    )
    compile_.add_argument("--out", metavar="DIR", help="default: <var dir>/build/locale")
    compile_.set_defaults(handler=_compile)
