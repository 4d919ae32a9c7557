"""The Rasa project as built from `bot/` and the translation catalogs.

Rasa's domain has no texts of its own: the responses are generated from `translations/` into a
build copy of the domain. A model is trained only when its inputs changed; it is named by a hash
of those inputs and cached outside the clone, so a fresh clone of an unchanged bot reuses it.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from passage.config import Settings
from translations.catalog import LOCALE_DIR, shipped_catalogs
from translations.rasa_responses import RESPONSES_FILE, write_domain_file

BOT_DIR = Path("bot")
_GENERATOR_SOURCES = (Path(__file__).parents[2] / "translations" / "rasa_responses.py",)


def rasa_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1"
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    # The custom channels in bot/channels are imported by Rasa from here.
    env["PYTHONPATH"] = str(BOT_DIR.resolve())
    return env


@dataclass(frozen=True)
class RasaProject:
    settings: Settings
    bot_dir: Path = BOT_DIR

    @property
    def build_dir(self) -> Path:
        return self.settings.var_dir / "build"

    @property
    def domain_dir(self) -> Path:
        return self.build_dir / "domain"

    @property
    def config_file(self) -> Path:
        return self.bot_dir / "config.yml"

    @property
    def data_dir(self) -> Path:
        return self.bot_dir / "data"

    def _inputs(self) -> list[Path]:
        """What the model is trained from (channels and test stories are not part of it)."""
        files = [self.config_file]
        for folder in (self.bot_dir / "domain", self.data_dir):
            files += [p for p in folder.rglob("*.yml") if p.is_file()]
        files += list(LOCALE_DIR.rglob("*.po"))
        files += [RESPONSES_FILE, *_GENERATOR_SOURCES]
        return sorted(files)

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for path in self._inputs():
            digest.update(os.path.relpath(path, self.bot_dir.parent).encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]

    def write_domain(self) -> Path:
        """The build domain: bot/domain/*.yml plus responses generated from the catalogs."""
        if self.domain_dir.exists():
            shutil.rmtree(self.domain_dir)
        self.domain_dir.mkdir(parents=True)
        for part in sorted((self.bot_dir / "domain").glob("*.yml")):
            shutil.copy(part, self.domain_dir / part.name)
        write_domain_file(shipped_catalogs(), self.domain_dir / "responses.yml")
        return self.domain_dir

    def model_path(self) -> Path:
        return self.settings.var_dir / "models" / f"passage-{self.fingerprint()}.tar.gz"

    def ensure_model(self) -> Path:
        """Train unless a model for exactly these inputs exists here or in the cache."""
        target = self.model_path()
        cached = self.settings.model_cache_dir / target.name
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        if cached.exists():
            shutil.copy(cached, target)
            return target
        self.write_domain()
        print(
            f"Training the Rasa model ({target.name}); this takes a minute or two ...",
            file=sys.stderr,
            flush=True,
        )
        self.rasa(
            "train",
            "--domain",
            str(self.domain_dir),
            "--data",
            str(self.data_dir),
            "--config",
            str(self.config_file),
            "--out",
            str(target.parent),
            "--fixed-model-name",
            target.name.removesuffix(".tar.gz"),
        )
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(target, cached)
        except OSError as error:  # the cache is an optimisation; training succeeded regardless
            print(f"Could not cache the model in {cached.parent}: {error}", file=sys.stderr)
        return target

    def rasa(self, *args: str) -> None:
        """Run a rasa command; its output goes to stderr so stdout carries only our results."""
        executable = self.settings.rasa_executable
        if not executable.exists():
            raise SystemExit(f"{executable} is missing: `make venvs` creates the Rasa environment.")
        subprocess.run(  # noqa: S603  (our own command line, no shell)
            [str(executable), *args], check=True, env=rasa_environment(), stdout=sys.stderr
        )
