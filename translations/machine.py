"""Offline machine translation of free text (Argos Translate), and only of free text.

Used for what people type (today: a provider's free-text decline note, through
`translations.free_text`). Never for consent texts or questions: those come from the reviewed
catalogs. A result is always labelled machine translated and keeps the original beside it;
without an installed model for the pair (directly or through English), the original is passed
on with `needs_interpreter`.

Everything stays on this machine: models are installed from `.argosmodel` files
(`passage translations install-model PATH`) into the models folder the caller names; Argos's package
index and its downloading sentence splitters (Stanza, MiniSBD) are never used: Passage's own
splitter (`translations.sentences`) takes their place.
"""

import json
import logging
import os
import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from translations.protected_tokens import protect
from translations.sentences import split_sentences

LABEL = "machine translated"

# Read by argostranslate when it is imported, so set before the first import (setdefault: an
# operator's own values win). One intra-op thread is many times faster for the short texts we
# translate on a small machine; the batch size is counted in tokens (Argos's 32 is tiny).
ENVIRONMENT_DEFAULTS = {
    "ARGOS_DEVICE_TYPE": "cpu",
    "ARGOS_INTER_THREADS": "1",
    "ARGOS_INTRA_THREADS": "1",
    "ARGOS_BATCH_SIZE": "1024",
}

_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_TOKENIZERS = ("sentencepiece.model", "bpe.model")


class InvalidModel(ValueError):
    """The file is not an Argos translation model that can be installed."""


@dataclass(frozen=True)
class ModelInfo:
    source: str
    target: str
    version: str
    path: Path
    replaced_version: str | None = None


@dataclass(frozen=True)
class MachineTranslation:
    original: str
    text: str | None  # None when no model could translate: an interpreter is needed
    source: str
    target: str
    machine_translated: bool
    needs_interpreter: bool
    via: str | None = None  # the pivot language(s), e.g. "en" for ru → en → uz

    @property
    def label(self) -> str | None:
        return LABEL if self.machine_translated else None


_lock = threading.RLock()  # installs, the language graph and model loading
_modules: dict[str, Any] = {}  # argostranslate.settings, .package, .translate
# The installed models (metadata files and their times) that Argos's caches were built on.
_seen_installed: frozenset[tuple[str, float]] = frozenset()


def _argos(models_dir: Path) -> dict[str, Any]:
    """argostranslate's modules, imported once and pointed at `models_dir`."""
    directory = models_dir.resolve()
    with _lock:
        if not _modules:
            _import_argos(directory)
        settings = _modules["settings"]
        if settings.package_data_dir != directory or settings.package_dirs != [directory]:
            directory.mkdir(parents=True, exist_ok=True)
            settings.package_data_dir = directory
            settings.package_dirs = [directory]
            reset_caches()
        return _modules


def _import_argos(directory: Path) -> None:
    for name, value in ENVIRONMENT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(directory))
    # Not settings: what keeps Argos offline (no remote provider; no splitter that downloads).
    os.environ["ARGOS_MODEL_PROVIDER"] = "OPENNMT"
    os.environ["ARGOS_CHUNK_TYPE"] = "ARGOSTRANSLATE"
    # Argos makes its data, config and cache folders when imported, and reads a settings.json
    # there: give it folders of its own beside the packages, not the user's home.
    home = directory.parent / "argos-translate"
    xdg = {f"XDG_{kind}_HOME": str(home / kind.lower()) for kind in ("DATA", "CONFIG", "CACHE")}
    saved = {name: os.environ.get(name) for name in xdg}
    os.environ.update(xdg)
    try:
        import argostranslate.package
        import argostranslate.settings
        import argostranslate.translate
    finally:
        for name, before in saved.items():
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before
    # Each installed model gets our splitter instead of one that downloads its model.
    for name in ("MiniSBDSentencizer", "StanzaSentencizer", "SpacySentencizerSmall"):
        setattr(argostranslate.translate, name, _Sentencizer)
    # Argos logs every text it translates, at INFO, on a logger that sets its own level: the
    # texts are people's words, which must never reach a log file.
    for logger_name in ("argostranslate", "argostranslate.utils"):
        logging.getLogger(logger_name).setLevel(logging.WARNING)
    _modules.update(
        settings=argostranslate.settings,
        package=argostranslate.package,
        translate=argostranslate.translate,
    )


def reset_caches() -> None:
    """Forget loaded models and the language graph (after installs, or between tests)."""
    with _lock:
        if _modules:
            _modules["translate"].get_installed_languages.cache_clear()
            _modules["translate"].installed_translates.clear()


class _Sentencizer:
    """Stands in for Argos's sentence splitters (see translations.sentences)."""

    def __init__(self, pkg: Any) -> None:
        self.language = str(pkg.from_code)

    def split_sentences(self, text: str) -> list[str]:
        return split_sentences(text, self.language)


def _installed_packages(models_dir: Path) -> list[Any]:
    argos = _argos(models_dir)
    return [p for p in argos["package"].get_installed_packages() if p.type == "translate"]


def installed_models(models_dir: Path) -> list[ModelInfo]:
    return sorted(
        (
            ModelInfo(p.from_code, p.to_code, p.package_version, Path(p.package_path))
            for p in _installed_packages(models_dir)
        ),
        key=lambda model: (model.source, model.target),
    )


def installed_pairs(models_dir: Path) -> list[tuple[str, str]]:
    """(source, target) of every installed model; pivots through English are not listed."""
    return [(model.source, model.target) for model in installed_models(models_dir)]


def _check_model_file(path: Path) -> tuple[str, dict[str, Any]]:
    """The archive's one top-level folder and its metadata, or InvalidModel saying what is wrong.

    A zip without that folder would be unpacked loose into the packages directory and break the
    listing of every installed model, so nothing but a well-formed package is accepted.
    """
    if not path.is_file():
        raise InvalidModel(f"No file at {path}.")
    if not zipfile.is_zipfile(path):
        raise InvalidModel(f"{path} is not a zip archive (an .argosmodel file is one).")
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
        names = [PurePosixPath(entry.filename) for entry in entries]
        if any(n.is_absolute() or ".." in n.parts or "\\" in str(n) for n in names):
            raise InvalidModel(f"{path} has entries outside its folder.")
        tops = {n.parts[0] for n in names if n.parts}
        loose = [
            e.filename
            for e, n in zip(entries, names, strict=True)
            if len(n.parts) == 1 and not e.is_dir()
        ]
        if len(tops) != 1 or loose:
            raise InvalidModel(
                f"{path} must hold exactly one top-level folder (translate-xx_yy-version/); "
                f"it holds {', '.join(sorted(tops)) or 'nothing'}."
            )
        (top,) = tops
        files = {str(n.relative_to(top)) for n in names if len(n.parts) > 1}
        if "metadata.json" not in files:
            raise InvalidModel(f"{path} has no {top}/metadata.json.")
        try:
            metadata = json.loads(archive.read(f"{top}/metadata.json"))
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidModel(f"{top}/metadata.json is not valid JSON: {error}") from None
    if not isinstance(metadata, dict):
        raise InvalidModel(f"{top}/metadata.json must hold an object.")
    if metadata.get("type", "translate") != "translate":
        raise InvalidModel(f"{path} is a {metadata.get('type')!r} package, not a translation.")
    for key in ("from_code", "to_code"):
        value = metadata.get(key)
        if not isinstance(value, str) or not _CODE.match(value):
            raise InvalidModel(
                f"{top}/metadata.json needs {key} as a language code, not {value!r}."
            )
    if metadata["from_code"] == metadata["to_code"]:
        raise InvalidModel(f"{path} translates {metadata['from_code']} into itself.")
    if "model/model.bin" not in files or not any(t in files for t in _TOKENIZERS):
        raise InvalidModel(f"{path} lacks model/model.bin or a sentencepiece.model/bpe.model.")
    return top, metadata


def install_model(path: Path, models_dir: Path) -> ModelInfo:
    """Install a `.argosmodel` file into `models_dir`, replacing a model of the same pair."""
    path = Path(path)
    top, metadata = _check_model_file(path)
    argos = _argos(models_dir)
    with _lock:
        replaced = None
        for old in _installed_packages(models_dir):
            if (old.from_code, old.to_code) == (metadata["from_code"], metadata["to_code"]):
                replaced = old.package_version
                argos["package"].uninstall(old)
        target = argos["settings"].package_data_dir / top
        if target.exists():  # the folder of another pair: unpacking would mix two models
            raise InvalidModel(f"{path.name}: its folder {top!r} holds another installed model")
        argos["package"].install_from_path(path)
        reset_caches()
        installed = argos["package"].Package(argos["settings"].package_data_dir / top)
    return ModelInfo(
        installed.from_code,
        installed.to_code,
        installed.package_version,
        Path(installed.package_path),
        replaced,
    )


def _normalized(code: str) -> str:
    return code.strip().lower().replace("_", "-")


def translate(text: str, source: str, target: str, models_dir: Path) -> MachineTranslation:
    """Translate free text typed by a person with the models in `models_dir`; never use this
    for consent texts or questions."""
    if not text.strip():
        raise ValueError("nothing to translate")
    source, target = _normalized(source), _normalized(target)
    if source == target:
        return MachineTranslation(text, text, source, target, False, False)
    installed = _installed_fingerprint(models_dir)
    # No model installed at all: answer without importing Argos (and torch) for nothing.
    translation = _translation(source, target, installed, models_dir) if installed else None
    if translation is None:
        return MachineTranslation(text, None, source, target, False, True)
    protected = protect(text)
    translated = protected.restore(translation.translate(protected.text))
    via = ", ".join(_pivots(translation)) or None
    return MachineTranslation(text, translated, source, target, True, False, via)


def _installed_fingerprint(models_dir: Path) -> frozenset[tuple[str, float]]:
    return frozenset(
        (str(path), path.stat().st_mtime) for path in models_dir.glob("*/metadata.json")
    )


def _translation(
    source: str, target: str, installed: frozenset[tuple[str, float]], models_dir: Path
) -> Any:
    """Argos's translation for the pair (direct first, else pivoted), its models loaded."""
    global _seen_installed
    argos = _argos(models_dir)
    with _lock:
        # Another process (`passage translations install-model`) may have changed the models
        # since Argos cached them; its cache lives as long as this process otherwise.
        if installed != _seen_installed:
            reset_caches()
            _seen_installed = installed
        languages = {lang.code: lang for lang in argos["translate"].get_installed_languages()}
        if source not in languages or target not in languages:
            return None
        translation = languages[source].get_translation(languages[target])
        if translation is not None:
            _load_models(translation)
        return translation


def _load_models(translation: Any) -> None:
    """Load each model once: Argos loads lazily without a lock (call with _lock held)."""
    translate, settings = _modules["translate"], _modules["settings"]
    if isinstance(translation, translate.CachedTranslation):
        _load_models(translation.underlying)
    elif isinstance(translation, translate.CompositeTranslation):
        _load_models(translation.t1)
        _load_models(translation.t2)
    elif isinstance(translation, translate.PackageTranslation) and translation.translator is None:
        translation.translator = translate.ctranslate2.Translator(
            str(translation.pkg.package_path / "model"),
            device=settings.device,
            inter_threads=settings.inter_threads,
            intra_threads=settings.intra_threads,
            compute_type=settings.compute_type,
        )


def _pivots(translation: Any) -> list[str]:
    translate = _modules["translate"]
    if isinstance(translation, translate.CachedTranslation):
        return _pivots(translation.underlying)
    if isinstance(translation, translate.CompositeTranslation):
        return [*_pivots(translation.t1), translation.t1.to_lang.code, *_pivots(translation.t2)]
    return []
