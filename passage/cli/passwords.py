"""A new account's password, never from an argument (it would sit in the shell history and
in `ps`): the first line of stdin with --password-stdin, PASSAGE_NEW_PASSWORD for scripts, or
typed twice at a prompt."""

import argparse
import getpass
import os
import sys

ENV_VARIABLE = "PASSAGE_NEW_PASSWORD"


def add_password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )


def new_password(args: argparse.Namespace) -> str | None:
    """None after printing why not."""
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            print("No password on stdin.", file=sys.stderr)
            return None
        return line
    from_environment = os.environ.get(ENV_VARIABLE)
    if from_environment is not None:
        return from_environment
    try:
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password again: ")
    except EOFError:
        print(
            f"No password given (type it, use --password-stdin or set {ENV_VARIABLE}).",
            file=sys.stderr,
        )
        return None
    if first != second:
        print("The two passwords differ; nothing created.", file=sys.stderr)
        return None
    return first
