"""Inference-only forwards for thinc layers whose training forward spends time a prediction
does not need.

thinc's maxout layer asks `Ops.maxout` for the best piece and its index (kept for the
gradient). Its loop took as long as the layer's matrix product here; the best piece alone, as
elementwise maximums over the pieces, takes a sixth of that and gives the same floats (a maximum
is exact). Its layer norm computes the mean twice and allocates four arrays; the same operations
in the same order, once each and in place, give the same floats in three quarters of the time.
Both of spaCy's token encoders are mostly these layers (BENCHMARKS.md, session 22). A layer runs
its own forward when training, so `nlp.update` is untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from thinc.layers import layernorm as thinc_layernorm
from thinc.layers import maxout as thinc_maxout

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from thinc.api import Model

__all__ = ["faster_forwards"]


def _no_backprop(_: Any) -> Any:
    raise RuntimeError("an inference-only forward has no gradient: train with is_train=True")


def _maxout(model: Model[Any, Any], X: Any, is_train: bool) -> tuple[Any, Callable[..., Any]]:
    """thinc's maxout forward, without the index of the best piece when predicting."""
    if is_train:
        return thinc_maxout.forward(model, X, is_train)
    n_out, pieces, n_in = (model.get_dim(d) for d in ("nO", "nP", "nI"))
    weights = model.ops.reshape2f(model.get_param("W"), n_out * pieces, n_in)
    Y = np.asarray(model.ops.gemm(X, weights, trans2=True))
    Y += model.ops.reshape1f(model.get_param("b"), n_out * pieces)
    Z = Y.reshape(Y.shape[0], n_out, pieces)
    if pieces == 1:
        return np.array(Z[:, :, 0]), _no_backprop
    best = np.maximum(Z[:, :, 0], Z[:, :, 1])
    for piece in range(2, pieces):
        np.maximum(best, Z[:, :, piece], out=best)
    return best, _no_backprop


def _layernorm(model: Model[Any, Any], X: Any, is_train: bool) -> tuple[Any, Callable[..., Any]]:
    """thinc's layer norm forward, each step once and in place when predicting."""
    if is_train:
        return thinc_layernorm.forward(model, X, is_train)
    Y = X - X.mean(axis=1, keepdims=True)
    scale = np.square(Y).mean(axis=1, keepdims=True)  # X.var(axis=1), as numpy computes it
    scale += 1e-08  # thinc's epsilon
    np.power(scale, -0.5, out=scale)
    Y *= scale
    Y *= model.get_param("G")
    Y += model.get_param("b")
    return Y, _no_backprop


#: thinc's forward -> the faster one; a layer built otherwise keeps its own
_FASTER: dict[Callable[..., Any], Callable[..., Any]] = {
    thinc_maxout.forward: _maxout,
    thinc_layernorm.forward: _layernorm,
}


def faster_forwards(layers: Iterable[Model[Any, Any]]) -> int:
    """Give each of `layers` the faster forward where one exists; returns how many changed."""
    changed = 0
    for layer in layers:
        faster = _FASTER.get(layer._func)
        if faster is not None:
            layer.replace_callbacks(faster, init=layer.init)
            changed += 1
    return changed
