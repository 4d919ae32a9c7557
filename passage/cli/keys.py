"""`passage keys new|status|reencrypt`: the data keys that encrypt identifying fields at rest.

Rotation: put a new key in front of PASSAGE_DATA_KEYS (or the key file), restart, run
`reencrypt`, check `status`, then remove the old key. Nothing here prints a stored value.
"""

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from passage.runtime.migrate import open_database

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from casework.transcripts import TranscriptStore
    from passage.core.field_crypto.rotation import EncryptedColumn

ROTATION_STEPS = """rotation:
  1. passage keys new                  prints NEW_ID:NEW_KEY (nothing is stored)
  2. PASSAGE_DATA_KEYS=NEW_ID:NEW_KEY,OLD_ID:OLD_KEY  (new key first), restart every process
  3. passage keys reencrypt            moves every value to the new key (safe to repeat)
  4. passage keys status               nothing left under OLD_ID?
  5. remove OLD_ID:OLD_KEY, restart    (keep it with the backups made before step 3)
With no PASSAGE_DATA_KEYS the keys are in <var_dir>/data-keys, one per line, first is current.
"""


def _engine() -> "Engine":
    from passage.config import get_settings, make_engine

    open_database()
    return make_engine(get_settings().resolved_database_url)


def _tracker_store() -> "TranscriptStore":
    """Rasa's tracker store, whose event data bot/encrypted_tracker_store.py encrypts."""
    from casework.transcripts import TranscriptStore
    from passage.config import get_settings

    return TranscriptStore(get_settings().resolved_tracker_url)


def rotated_columns() -> "list[EncryptedColumn]":
    import referral_directory.models  # noqa: F401  (registers the directory's tables)
    from casework.tables import casework_metadata
    from passage.core.field_crypto.rotation import encrypted_columns
    from referral_directory.db import DirectoryBase

    return encrypted_columns(DirectoryBase.metadata, casework_metadata())


def _new(_args: argparse.Namespace) -> int:
    from passage.core.field_crypto import new_key_line

    print(new_key_line())
    print(
        "Put this line first in PASSAGE_DATA_KEYS (comma-separated, old keys after it) or the "
        "key file, restart, then run `passage keys reencrypt`.",
        file=sys.stderr,
    )
    return 0


def _status(_args: argparse.Namespace) -> int:
    from passage.core.field_crypto import current_keyring
    from passage.core.field_crypto.rotation import PLAINTEXT, census

    keyring = current_keyring()
    print(f"Keys from {keyring.source}:")
    for key_id in keyring.key_ids:
        current = key_id == keyring.current_key_id
        print(f"  {key_id}{'  (current: encrypts new values)' if current else ''}")
    engine = _engine()
    try:
        counts = census(engine, rotated_columns())
    finally:
        engine.dispose()
    tracker = _tracker_store()
    try:
        counts["events.data (Rasa tracker)"] = tracker.key_census()
    finally:
        tracker.close()
    print("Values per column (key id: count):")
    missing = False
    for label, tally in counts.items():
        parts = []
        for key_id, count in sorted(tally.items()):
            unknown = key_id != PLAINTEXT and key_id not in keyring.key_ids
            missing = missing or unknown
            parts.append(f"{key_id}{' (NOT CONFIGURED)' if unknown else ''}: {count}")
        print(f"  {label:<34} {', '.join(parts) or 'no values'}")
    if missing:
        print("Some values are under a key that is not configured and cannot be read.")
        return 1
    return 0


def _reencrypt(args: argparse.Namespace) -> int:
    from passage.core.field_crypto import current_keyring
    from passage.core.field_crypto.rotation import reencrypt

    keyring = current_keyring()
    engine = _engine()
    try:
        changed = reencrypt(
            engine,
            rotated_columns(),
            keyring,
            batch_size=args.batch_size,
            progress=lambda line: print(line, flush=True),
        )
    finally:
        engine.dispose()
    tracker = _tracker_store()
    try:
        moved = tracker.reencrypt(keyring, args.batch_size)
    finally:
        tracker.close()
    print(f"Rasa tracker events: {moved} re-encrypted", flush=True)
    changed += moved
    print(
        f"Re-encrypted {changed} values under key {keyring.current_key_id}. Check with "
        "`passage keys status` before removing an older key."
    )
    return 0


def _reporting(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Key and decryption problems as one line (it names columns and key ids, never values)."""

    def run(args: argparse.Namespace) -> int:
        from passage.core.field_crypto import FieldCryptoError

        try:
            return handler(args)
        except FieldCryptoError as problem:
            print(f"passage keys: {problem}", file=sys.stderr)
            return 1

    return run


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def add_commands(commands: Any) -> None:
    keys = commands.add_parser(
        "keys",
        help="the data keys that encrypt identifying fields at rest (rotation)",
        description="Identifying fields (free text, confidential addresses, secrets) are\n"
        "encrypted with AES-256-GCM under the data keys of PASSAGE_DATA_KEYS, or of the\n"
        "key file <var_dir>/data-keys when that is empty.",
        epilog=ROTATION_STEPS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    sub.add_parser(
        "new", help="print a fresh key_id:key line to add to PASSAGE_DATA_KEYS (stores nothing)"
    ).set_defaults(handler=_new)
    sub.add_parser(
        "status",
        help="the configured key ids, and how many values each column holds under each key "
        "or still as plaintext (no values shown); exit 1 if some key is missing",
    ).set_defaults(handler=_reporting(_status))
    again = sub.add_parser(
        "reencrypt",
        help="rewrite every encrypted value (and leftover plaintext) under the current key; "
        "safe to interrupt and repeat",
    )
    again.add_argument(
        "--batch-size", type=_positive, default=500, help="rows per transaction (default 500)"
    )
    again.set_defaults(handler=_reporting(_reencrypt))
