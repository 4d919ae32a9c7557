"""The package table (DESIGN.md's, as docs/architecture.md gives it for the packages as built),
checked on the code's own imports.

Every `import` and `from ... import` counts, at module level or inside a function, under
TYPE_CHECKING or not: an import hidden in a function is still a dependency. A new forbidden
import fails this test, which names the file, the line and the rule it breaks.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DOMAINS = ("casework", "referral_directory", "translations")
# The packages of ours an import can name; anything else (stdlib, third party) is free.
OURS = ("passage", "casework", "referral_directory", "translations", "actions", "api")

# Package → what of ours its modules may import (besides their own package). The most specific
# package prefix of a module decides its rule.
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "passage.core": (),
    "referral_directory": ("passage.core",),
    "translations": (),
    "casework": ("passage.core", "referral_directory", "translations"),
    "passage.config": ("passage.core",),
    "actions": ("passage.core", "passage.config", *DOMAINS),
    "api": ("passage.core", "passage.config", *DOMAINS),
    "passage.cli": ("passage.core", "passage.config", "passage.runtime", *DOMAINS),
    # The composition root starts the adapters through their entry points, never their insides.
    "passage.runtime": (
        "passage.core",
        "passage.config",
        *DOMAINS,
        "api.app",
        "actions.policies",
    ),
    "passage": (),  # the package's own __init__
}


@dataclass(frozen=True)
class ForbiddenImport:
    path: str
    line: int
    module: str
    imported: str
    rule: str

    def __str__(self) -> str:
        allowed = ", ".join(MAY_IMPORT[self.rule]) or "nothing else of ours"
        return (
            f"{self.path}:{self.line}: {self.module} imports {self.imported}; "
            f"{self.rule} may import {allowed}"
        )


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def rule_of(module: str) -> str | None:
    matching = [package for package in MAY_IMPORT if _within(module, package)]
    return max(matching, key=len) if matching else None


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from api import app` imports the module api.app: name it so the rule sees it.
            names.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
    return names


def _allowed(imported: str, rule: str) -> bool:
    if not any(_within(imported, ours) for ours in OURS):
        return True
    return any(_within(imported, own) for own in (rule, *MAY_IMPORT[rule]))


def forbidden_imports(root: Path) -> list[ForbiddenImport]:
    found: list[ForbiddenImport] = []
    for top in OURS:
        for path in sorted((root / top).rglob("*.py")):
            module = _module_name(path, root)
            rule = rule_of(module)
            assert rule is not None, f"{module} has no row in the package table"
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for line, imported in _imported_names(tree, module, path.name == "__init__.py"):
                if not _allowed(imported, rule):
                    relative = str(path.relative_to(root))
                    found.append(ForbiddenImport(relative, line, module, imported, rule))
    return found


def test_every_import_follows_the_package_table() -> None:
    broken = forbidden_imports(ROOT)
    assert not broken, "\n".join(str(b) for b in broken)


@pytest.mark.parametrize(
    ("package", "source", "rule"),
    [
        ("referral_directory", "from casework.models import Case\n", "referral_directory"),
        ("casework", "def f():\n    from passage.config import get_settings\n", "casework"),
        ("translations", "from passage.config.settings import Settings\n", "translations"),
        ("passage/config", "from casework.policies import Policies\n", "passage.config"),
        ("passage/core", "import referral_directory.db\n", "passage.core"),
        ("api", "from passage.runtime.policies import policies_from\n", "api"),
        ("passage/runtime", "from api.routers import chat\n", "passage.runtime"),
        ("actions", "from api.deps import SessionDep\n", "actions"),
    ],
)
def test_a_new_forbidden_import_is_caught(
    tmp_path: Path, package: str, source: str, rule: str
) -> None:
    for top in OURS:
        (tmp_path / top).mkdir(parents=True, exist_ok=True)
    folder = tmp_path / package
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "new_module.py").write_text(source, encoding="utf-8")

    (broken,) = forbidden_imports(tmp_path)

    assert broken.path == f"{package}/new_module.py"
    assert broken.rule == rule


def test_allowed_imports_pass(tmp_path: Path) -> None:
    for top in OURS:
        (tmp_path / top).mkdir(parents=True, exist_ok=True)
    (tmp_path / "casework" / "ok.py").write_text(
        "import json\nfrom referral_directory.needs import need\n"
        "from passage.core.timestamps import UTCDateTime\nfrom . import models\n",
        encoding="utf-8",
    )
    (tmp_path / "api" / "ok.py").write_text(
        "from passage.config import Settings\nfrom casework.roles import may_see_case\n",
        encoding="utf-8",
    )
    assert forbidden_imports(tmp_path) == []
