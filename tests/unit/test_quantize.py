"""Building the encoder the worker runs (service/events/quantize.py) and the checks on it."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")  # the dev and build extras have it
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from service.events import encoder as encoder_module  # noqa: E402
from service.events.quantize import _unscaled  # noqa: E402


def _weight_only_int8() -> onnx.ModelProto:
    """A tiny graph stored as the package stores its weights: int8 and a scale, turned back
    into floats in the graph; a table looked up by id, then a matrix product."""
    rng = np.random.default_rng(7)
    table_q = rng.integers(-127, 128, size=(10, 4), dtype=np.int8)
    table_s = rng.uniform(0.01, 0.1, size=(10, 1)).astype(np.float32)
    matrix_q = rng.integers(-127, 128, size=(4, 3), dtype=np.int8)
    matrix_s = rng.uniform(0.01, 0.1, size=(1, 3)).astype(np.float32)
    nodes = [
        helper.make_node("Cast", ["table_q"], ["table_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["table_f", "table_scale"], ["table"]),
        helper.make_node("Cast", ["matrix_q"], ["matrix_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["matrix_f", "matrix_scale"], ["matrix"]),
        helper.make_node("Gather", ["table", "ids"], ["rows"], axis=0),
        helper.make_node("MatMul", ["rows", "matrix"], ["out"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [1, None])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, None, 3])],
        [numpy_helper.from_array(table_q, "table_q"),
         numpy_helper.from_array(table_s, "table_scale"),
         numpy_helper.from_array(matrix_q, "matrix_q"),
         numpy_helper.from_array(matrix_s, "matrix_scale")],
    )  # fmt: skip
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model: onnx.ModelProto, ids: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    out: np.ndarray = session.run(None, {"ids": ids})[0]
    return out


class TestUnscaled:
    def test_same_numbers_with_the_table_kept_int8(self) -> None:
        """The rewritten graph gives the same outputs; the table stays int8 and its rows are
        scaled after the look-up, while the matrix becomes floats for the quantizer."""
        ids = np.array([[0, 3, 9, 3]], dtype=np.int64)
        before = _run(_weight_only_int8(), ids)
        model = _unscaled(_weight_only_int8())
        after = _run(model, ids)
        assert np.array_equal(before, after)
        types = {t.name: t.data_type for t in model.graph.initializer}
        assert types["table_q"] == TensorProto.INT8
        assert types["matrix"] == TensorProto.FLOAT
        assert "matrix_q" not in types and "table" not in types
        gathers = [n for n in model.graph.node if n.op_type == "Gather"]
        assert {n.input[0] for n in gathers} == {"table_q", "table_scale"}


class TestBuiltEncoder:
    def test_the_built_file_is_the_pinned_one(self) -> None:
        """`make encoder` wrote the file whose sha256 the loader pins."""
        digest = hashlib.sha256(encoder_module.BUILT_MODEL.read_bytes()).hexdigest()
        assert digest == encoder_module.BUILT_MODEL_SHA256

    def test_matrix_products_are_int8(self) -> None:
        """The built graph multiplies int8 matrices, and holds no float copy of the table."""
        model = onnx.load(str(encoder_module.BUILT_MODEL))
        ops = {n.op_type for n in model.graph.node}
        assert "MatMulInteger" in ops or "DynamicQuantizeMatMul" in ops
        inits = {t.name for t in model.graph.initializer}
        floats = [n.name for n in model.graph.node
                  if n.op_type == "MatMul" and n.input[1] in inits]  # fmt: skip
        assert floats == [], "every product with a weight matrix runs on int8 weights"
        blockwise = [n for n in model.graph.node if n.op_type == "MatMulNBits"]
        assert len(blockwise) == 6  # each layer's feed-forward output product
        assert all(
            {a.name: a.i for a in n.attribute}["bits"] == 8
            and {a.name: a.i for a in n.attribute}["accuracy_level"] == 4
            for n in blockwise
        )
        biggest = max(model.graph.initializer, key=lambda t: int(np.prod(t.dims)))
        assert biggest.data_type == TensorProto.INT8
