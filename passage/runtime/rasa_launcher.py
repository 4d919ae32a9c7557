"""Starts `rasa` with its HTTP API token taken from the environment, not the command line.

Rasa 3.6 reads its auth token only from `--auth-token` (or the JWT options), and a command line
is world-readable (`ps`, /proc/<pid>/cmdline) while a process's environment is not. `passage`
runs this file with Rasa's own interpreter (the Python 3.10 venv: it imports nothing of ours)
as `python rasa_launcher.py run ...`; it takes the token out of PASSAGE_RASA_API_TOKEN and
hands it to Rasa's argument parser in this process only, so /proc shows no secret.
"""

import importlib
import os
import sys

TOKEN_VARIABLE = "PASSAGE_RASA_API_TOKEN"  # noqa: S105  (a variable name)


def main() -> None:
    # Python put this file's directory (passage/runtime) first on sys.path: its modules must
    # not shadow anything Rasa imports.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    token = os.environ.pop(TOKEN_VARIABLE, "")
    if not token:
        sys.exit(f"{TOKEN_VARIABLE} is not set: Rasa's HTTP API would be open to anyone")
    sys.argv = ["rasa", *sys.argv[1:], "--auth-token", token]
    importlib.import_module("rasa.__main__").main()


if __name__ == "__main__":
    main()
