"""`passage translations ...`: offline machine translation models and, later, the catalogs.

Each subcommand is one `_add_*` function listed in SUBCOMMANDS: to add one, write its function
(parser + handler) and list it there.
"""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from passage.cli.catalog import add_review_commands


def _install_model(args: argparse.Namespace) -> int:
    from passage.config import get_settings
    from translations.machine import InvalidModel, install_model

    try:
        model = install_model(args.path, get_settings().resolved_argos_packages_dir)
    except InvalidModel as error:
        print(f"Cannot install {args.path}: {error}", file=sys.stderr)
        return 2
    replaced = f", replacing version {model.replaced_version}" if model.replaced_version else ""
    print(
        f"Installed machine translation {model.source} → {model.target}, "
        f"version {model.version}{replaced}, in {model.path}"
    )
    return 0


def _models(_args: argparse.Namespace) -> int:
    from passage.config import get_settings
    from translations.machine import installed_models

    models_dir = get_settings().resolved_argos_packages_dir
    models = installed_models(models_dir)
    if not models:
        print(
            f"No machine translation models in {models_dir}: free text is passed on as "
            "written, marked as needing an interpreter. Install one with "
            "`passage translations install-model FILE.argosmodel`."
        )
        return 0
    print(f"{'SOURCE':<8} {'TARGET':<8} {'VERSION':<10} PATH")
    for model in models:
        print(f"{model.source:<8} {model.target:<8} {model.version:<10} {model.path}")
    pairs = {(model.source, model.target) for model in models}
    pivots = sorted(
        (source, target)
        for source, middle in pairs
        for middle_again, target in pairs
        if middle == middle_again == "en" and source != target and (source, target) not in pairs
    )
    if pivots:
        print("Through English: " + ", ".join(f"{s} → {t}" for s, t in pivots))
    return 0


def _add_install_model(commands: Any) -> None:
    install = commands.add_parser(
        "install-model",
        help="install a machine translation model from a local .argosmodel file (no download)",
    )
    install.add_argument("path", type=Path, metavar="PATH", help="the .argosmodel file")
    install.set_defaults(handler=_install_model)


def _add_models(commands: Any) -> None:
    commands.add_parser(
        "models", help="list the installed machine translation models (language pairs)"
    ).set_defaults(handler=_models)


SUBCOMMANDS: tuple[Callable[[Any], None], ...] = (
    add_review_commands,
    _add_install_model,
    _add_models,
)


def register(subparsers: Any) -> Any:
    """Add the `translations` command group; returns its subparsers."""
    group = subparsers.add_parser(
        "translations",
        help="translations: review state of the catalogs, offline machine translation models",
    )
    commands = group.add_subparsers(dest="translations_command", required=True, metavar="ACTION")
    for add in SUBCOMMANDS:
        add(commands)
    return commands
