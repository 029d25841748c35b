"""Building the encoder the worker runs (service/events/quantize.py) and the checks on it."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")  # the dev and build extras have it
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from service.events import encoder as encoder_module  # noqa: E402
from service.events.quantize import _per_token, _unscaled  # noqa: E402


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


def _run(model: onnx.ModelProto, **feed: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    out: np.ndarray = session.run(None, feed)[0]
    return out


class TestUnscaled:
    def test_same_numbers_with_the_table_kept_int8(self) -> None:
        """The rewritten graph gives the same outputs; the table stays int8 and its rows are
        scaled after the look-up, while the matrix becomes floats for the quantizer."""
        ids = np.array([[0, 3, 9, 3]], dtype=np.int64)
        before = _run(_weight_only_int8(), ids=ids)
        model = _unscaled(_weight_only_int8())
        after = _run(model, ids=ids)
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
        per_token = [n for n in model.graph.node
                     if n.op_type == "MatMulInteger" and n.input[1].endswith("_wq")]  # fmt: skip
        assert len(per_token) == 6  # each layer's feed-forward output product
        assert sum(n.op_type == "ReduceMax" for n in model.graph.node) == 6  # a scale per token
        assert not [n for n in model.graph.node if n.op_type == "MatMulNBits"]
        biggest = max(model.graph.initializer, key=lambda t: int(np.prod(t.dims)))
        assert biggest.data_type == TensorProto.INT8


def _float_product(inputs: int = 64, outputs: int = 8) -> onnx.ModelProto:
    """x @ W with a float weight, opset 17, as the quantizer leaves a product it skipped."""
    rng = np.random.default_rng(3)
    weights = rng.standard_normal((inputs, outputs)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="ffn_out")], "one",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, None, inputs])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, None, outputs])],
        [numpy_helper.from_array(weights, "w")],
    )  # fmt: skip
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


class TestPerToken:
    def test_each_token_keeps_its_own_scale(self) -> None:
        """A token with outliers does not coarsen the others: each row's error stays within
        its own quantization step, where one scale per call would round a small row to zero."""
        rng = np.random.default_rng(5)
        x = rng.uniform(-0.2, 0.2, size=(1, 5, 64)).astype(np.float32)
        x[0, 2] *= 500.0  # one token with activations 500x the others'
        model = _float_product()
        exact = _run(model, x=x)
        quantized = _per_token(_float_product(), ["ffn_out"])
        got = _run(quantized, x=x)
        ops = [n.op_type for n in quantized.graph.node]
        assert "MatMulInteger" in ops and "MatMul" not in ops
        assert [t.data_type for t in quantized.graph.initializer if t.name == "ffn_out_wq"] == [
            TensorProto.INT8
        ]
        for row in range(5):
            scale = np.abs(exact[0, row]).max()
            assert np.abs(got[0, row] - exact[0, row]).max() <= 0.02 * scale, row
        # the small rows are nowhere near zero: one scale per call would have erased them
        assert np.abs(got[0, 0]).max() > 0.5 * np.abs(exact[0, 0]).max()

    def test_refuses_a_graph_past_opset_17(self) -> None:
        """ReduceMax's axes moved to an input at opset 18: a newer graph is a clear error."""
        model = _float_product()
        model.opset_import[0].version = 18
        with pytest.raises(ValueError, match="opset 17"):
            _per_token(model, ["ffn_out"])
