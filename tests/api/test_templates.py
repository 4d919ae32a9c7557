"""The web layer's rules that no single page test shows: every page extends the one layout, values
are escaped, texts come from the catalogs, and no Python under api/ writes HTML."""

import ast
import re
from pathlib import Path

import pytest
from jinja2 import nodes

from api.templating import TEMPLATE_DIR, templates
from translations.catalog import SOURCE_LANGUAGE, shipped_catalogs

API_DIR = TEMPLATE_DIR.parent
PAGES = sorted(p.relative_to(TEMPLATE_DIR).as_posix() for p in TEMPLATE_DIR.rglob("*.html"))
BASE = "layout.html"
_TAG = re.compile(r"<(?:[a-z][a-z0-9]*|/[a-z][a-z0-9]*)[\s>/]", re.IGNORECASE)


def _parsed(name: str) -> nodes.Template:
    source = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
    return templates.env.parse(source)


def _parent(name: str) -> str | None:
    extends = _parsed(name).find(nodes.Extends)
    if extends is None:
        return None
    assert isinstance(extends.template, nodes.Const), name
    return str(extends.template.value)


@pytest.mark.parametrize("name", [p for p in PAGES if p != BASE])
def test_every_page_extends_the_one_layout(name: str) -> None:
    chain = [name]
    while (parent := _parent(chain[-1])) is not None:
        chain.append(parent)
    assert chain[-1] == BASE, chain


def test_values_are_escaped() -> None:
    rendered = templates.env.from_string("{{ value }}").render(value='<b class="x">&')
    assert rendered == "&lt;b class=&#34;x&#34;&gt;&amp;"


@pytest.mark.parametrize("name", PAGES)
def test_every_text_named_in_a_template_is_in_the_catalog(name: str) -> None:
    catalogs = shipped_catalogs()
    for call in _parsed(name).find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "t" and call.args:
            message_id = call.args[0]
            if isinstance(message_id, nodes.Const):  # a built id is checked by the page tests
                catalogs.lookup(str(message_id.value), SOURCE_LANGUAGE)


def _strings(tree: ast.AST) -> list[str]:
    """The string literals of a module, docstrings left out."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


@pytest.mark.parametrize(
    "module", sorted(API_DIR.rglob("*.py")), ids=lambda p: p.relative_to(API_DIR).as_posix()
)
def test_no_python_under_api_writes_html(module: Path) -> None:
    source = module.read_text(encoding="utf-8")
    assert not re.search(
        r"\bstring\.Template\b|\bhtml\.escape\b|^\s*(from|import) html\b", source, re.M
    )
    tags = [text for text in _strings(ast.parse(source)) if _TAG.search(text)]
    assert tags == [], "HTML belongs in api/templates"
