"""A tiny but real Argos Translate package, built in well under a second, for offline tests.

`build_model(directory, "ru", "en")` writes `translate-ru_en-1_0.argosmodel`: a zip with one
top-level folder holding `metadata.json`, a SentencePiece model and a one-layer CTranslate2
Transformer. Its weights are set by hand so that the model copies its input token for token
(cross-attention looks up the source position equal to the decoder position), which makes every
assertion exact. `words` turns whole words into others (the output row of one word is the input
vector of another), so a test can see that a text went through a given model, or two.
Copies are exact for sentences of up to 256 pieces (Argos's longest decoding).
"""

import io
import json
import socket
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sentencepiece as spm
from ctranslate2.converters import Converter
from ctranslate2.specs import common_spec, transformer_spec

from passage.config import Settings
from translations import machine

# Whole words the tiny models know as single pieces, so `words` can turn one into another.
WORDS = ("привет", "hello", "salom", "bonjour", "сәлем")

_CORPUS = (
    "The officer wrote a note about the meeting at the station.",
    "She needs a safe place to sleep tonight and a doctor tomorrow.",
    "Call me at the number below, or write an e-mail to the shelter.",
    "Сотрудник записал, что человек нуждается в жилье и враче.",
    "Позвоните мне завтра утром, пожалуйста.",
    "Men ertaga ertalab kelaman. Iltimos, qo'ng'iroq qiling.",
    "Мен ертең таңертең келемін. Өтінемін, қоңырау шалыңыз.",
    "ខ្ញុំត្រូវការជំនួយ។ សូមជួយខ្ញុំផង។",
    "ฉันต้องการความช่วยเหลือ ขอบคุณครับ",
    "ຂ້ອຍຕ້ອງການຄວາມຊ່ວຍເຫຼືອ ຂອບໃຈ",
    "ကျွန်ုပ်အကူအညီလိုအပ်ပါတယ်။ ကျေးဇူးတင်ပါတယ်။",
    "我需要帮助。谢谢你\uff01你好吗\uff1f",
    "Tôi cần giúp đỡ. Cảm ơn bạn rất nhiều!",
    "Je voudrais parler à quelqu'un, s'il vous plaît.",
    "KX7P-2M9Q WWWWWW +7 701 123 45 67 anna_k@mail.example https://example.org/a_b",
)

_TOKEN_DIM = 128  # random unit vectors telling the vocabulary's pieces apart
_POSITION_DIM = 64  # random unit vectors telling positions apart
_MAX_POSITIONS = 512
_POSITION_SHARPNESS = 12.0  # how sharply cross-attention picks the one matching source position
_OUTPUT_GAIN = 60.0  # how peaked the output distribution is (beam search then keeps the copy)


@lru_cache(maxsize=1)
def sentencepiece_model() -> bytes:
    """One SentencePiece model, trained in memory, shared by every tiny package."""
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_CORPUS * 4),
        model_writer=model,
        vocab_size=700,
        model_type="unigram",
        byte_fallback=True,
        character_coverage=1.0,
        normalization_rule_name="identity",
        user_defined_symbols=list(WORDS),
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return model.getvalue()


def _pieces() -> list[str]:
    processor = spm.SentencePieceProcessor(model_proto=sentencepiece_model())
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _unit_rows(rng: np.random.Generator, count: int, dim: int) -> np.ndarray:
    """`count` random vectors of mean 0 and length 1: layer norm only rescales them."""
    rows = rng.standard_normal((count, dim))
    rows -= rows.mean(axis=1, keepdims=True)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


class _CopyModel(Converter):
    """A one-layer pre-norm Transformer whose weights copy the source, word map applied.

    The model width holds three parts: A, the piece to emit (filled by cross-attention);
    B, the position; C, the piece the decoder was fed. Every sublayer but cross-attention
    writes nothing (zero output weights).
    """

    def __init__(self, pieces: list[str], words: Mapping[str, str]) -> None:
        self._pieces = pieces
        self._words = dict(words)

    def _load(self) -> Any:
        rng = np.random.default_rng(7)
        vocab, a, b = len(self._pieces), _TOKEN_DIM, _POSITION_DIM
        width = 2 * a + b
        part_a, part_b, part_c = slice(0, a), slice(a, a + b), slice(a + b, width)
        tokens = _unit_rows(rng, vocab, a)
        positions = _unit_rows(rng, _MAX_POSITIONS, b)

        spec = transformer_spec.TransformerSpec.from_config(num_layers=1, num_heads=1)
        spec.config.add_source_eos = True  # the copied </s> ends decoding
        for stack in (spec.encoder, spec.decoder):
            stack.scale_embeddings = False
            stack.layer_norm.gamma = np.ones(width, np.float32)
            stack.layer_norm.beta = np.zeros(width, np.float32)

        source = np.zeros((vocab, width), np.float32)
        source[:, part_a] = tokens
        spec.encoder.embeddings[0].weight = source
        target = np.zeros((vocab, width), np.float32)
        target[:, part_c] = tokens
        spec.decoder.embeddings.weight = target
        encodings = np.zeros((_MAX_POSITIONS, width), np.float32)
        encodings[:, part_b] = positions
        spec.encoder.position_encodings.encodings = encodings
        spec.decoder.position_encodings.encodings = encodings

        for layer in (spec.encoder.layer[0], spec.decoder.layer[0]):
            _silent_self_attention(layer.self_attention, width)
            _silent_ffn(layer.ffn, width)

        cross = spec.decoder.layer[0].attention
        _identity_norm(cross.layer_norm, width)
        query = np.zeros((width, width), np.float32)
        query[part_b, part_b] = _POSITION_SHARPNESS * np.eye(b)
        cross.linear[0].weight = query
        cross.linear[0].bias = np.zeros(width, np.float32)
        keys_values = np.zeros((2 * width, width), np.float32)
        keys_values[part_b, part_b] = np.eye(b)  # keys: the source position
        keys_values[width : width + a, part_a] = np.eye(a)  # values: the source piece
        cross.linear[1].weight = keys_values
        cross.linear[1].bias = np.zeros(2 * width, np.float32)
        cross.linear[2].weight = np.eye(width, dtype=np.float32)
        cross.linear[2].bias = np.zeros(width, np.float32)

        index = {piece: i for i, piece in enumerate(self._pieces)}
        emitted_for = list(range(vocab))  # output row i answers source piece emitted_for[i]
        for old, new in self._words.items():
            emitted_for[index[new]], emitted_for[index[old]] = index[old], index[new]
        projection = np.zeros((vocab, width), np.float32)
        projection[:, part_a] = _OUTPUT_GAIN * tokens[emitted_for]
        spec.decoder.projection.weight = projection
        spec.decoder.projection.bias = np.zeros(vocab, np.float32)

        spec.register_source_vocabulary(self._pieces)
        spec.register_target_vocabulary(self._pieces)
        return spec


def _identity_norm(norm: common_spec.LayerNormSpec, width: int) -> None:
    norm.gamma = np.ones(width, np.float32)
    norm.beta = np.zeros(width, np.float32)


def _silent_self_attention(attention: Any, width: int) -> None:
    _identity_norm(attention.layer_norm, width)
    attention.linear[0].weight = np.zeros((3 * width, width), np.float32)
    attention.linear[0].bias = np.zeros(3 * width, np.float32)
    attention.linear[1].weight = np.zeros((width, width), np.float32)
    attention.linear[1].bias = np.zeros(width, np.float32)


def _silent_ffn(ffn: Any, width: int, inner: int = 8) -> None:
    _identity_norm(ffn.layer_norm, width)
    ffn.linear_0.weight = np.zeros((inner, width), np.float32)
    ffn.linear_0.bias = np.zeros(inner, np.float32)
    ffn.linear_1.weight = np.zeros((width, inner), np.float32)
    ffn.linear_1.bias = np.zeros(width, np.float32)


def metadata(source: str, target: str, version: str = "1.0") -> dict[str, Any]:
    return {
        "package_version": version,
        "argos_version": "1.11",
        "from_code": source,
        "from_name": source.upper(),
        "to_code": target,
        "to_name": target.upper(),
        "type": "translate",
    }


def build_model(
    directory: Path,
    source: str,
    target: str,
    *,
    version: str = "1.0",
    words: Mapping[str, str] | None = None,
) -> Path:
    """Write a `.argosmodel` for source → target into directory and return its path."""
    for word in (*(words or {}).keys(), *(words or {}).values()):
        if word not in WORDS:
            raise ValueError(f"{word!r} is not one of the tiny models' words {WORDS}")
    name = f"translate-{source}_{target}-{version.replace('.', '_')}"
    work = directory / f"{name}.build"
    _CopyModel(_pieces(), words or {}).convert(str(work / "model"), force=True)
    archive = directory / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(f"{name}/metadata.json", json.dumps(metadata(source, target, version)))
        zipped.writestr(f"{name}/sentencepiece.model", sentencepiece_model())
        for file in sorted((work / "model").iterdir()):
            zipped.write(file, f"{name}/model/{file.name}")
    return archive


def _refuse(*_args: object, **_kwargs: object) -> None:
    raise OSError("the translation tests are offline: nothing may be downloaded")


@contextmanager
def offline_packages(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[Path]:
    """The test's own packages directory (under its var/), no network, fresh Argos caches.

    `settings`: the fixture's, which gives every test its own var/ directory.
    """
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    machine.reset_caches()
    yield settings.resolved_argos_packages_dir
    machine.reset_caches()
