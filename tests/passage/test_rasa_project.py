from pathlib import Path

import yaml

from passage.config import Settings
from passage.runtime.rasa_project import BOT_DIR, RasaProject


def _copy_bot(tmp_path: Path) -> Path:
    bot = tmp_path / "bot"
    for source in BOT_DIR.rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts:
            target = bot / source.relative_to(BOT_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    return bot


def test_fingerprint_changes_with_the_bot_and_only_then(tmp_path: Path) -> None:
    bot = _copy_bot(tmp_path)
    project = RasaProject(Settings(var_dir=tmp_path / "var"), bot_dir=bot)
    before = project.fingerprint()
    assert project.fingerprint() == before
    (bot / "channels" / "__pycache__").mkdir(exist_ok=True)
    (bot / "channels" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert project.fingerprint() == before
    (bot / "data" / "nlu" / "en.yml").write_text("version: '3.1'\n", encoding="utf-8")
    assert project.fingerprint() != before


def test_build_domain_has_bot_parts_and_generated_responses(tmp_path: Path) -> None:
    project = RasaProject(Settings(var_dir=tmp_path / "var"))
    domain = project.write_domain()
    names = sorted(p.name for p in domain.glob("*.yml"))
    assert names == sorted([*(p.name for p in (BOT_DIR / "domain").glob("*.yml")), "responses.yml"])
    responses = yaml.safe_load((domain / "responses.yml").read_text(encoding="utf-8"))["responses"]
    assert "utter_greet" in responses


def test_bot_domain_holds_no_texts() -> None:
    for part in (BOT_DIR / "domain").glob("*.yml"):
        assert "responses" not in (yaml.safe_load(part.read_text(encoding="utf-8")) or {}), part


def test_every_response_name_in_rules_and_actions_is_generated() -> None:
    responses = yaml.safe_load(Path("translations/responses.yml").read_text(encoding="utf-8"))
    used = set()
    for path in [*Path("bot/data").rglob("*.yml"), *Path("bot/tests").rglob("*.yml")]:
        used |= {
            w.strip(" -:")
            for w in path.read_text(encoding="utf-8").split()
            if w.startswith("utter_")
        }
    for path in Path("actions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= {part.split('"')[0] for part in text.split('response="')[1:]}
    assert used <= set(responses)
