"""opsgi's own ONNX cases beside onnx's node cases, written by generate.py into the same op folders
(FORMAT.md, "ONNX node cases"; each record's `source` says where its expected output comes from):

- 1-D convolutions and pools as PyTorch 1.13 exports nn.Conv1d, nn.ConvTranspose1d, nn.MaxPool1d,
  nn.AvgPool1d, nn.BatchNorm1d and nn.AdaptiveAvgPool1d(1) (torch.onnx.export, opset 14 unless named),
  expected = PyTorch's output. What torch 1.13 cannot export (Conv1d padding='same': aten::_convolution_mode)
  or exports through ops the importer refuses (LPPool1d: Sign, Abs) is written with onnx.helper as the one
  ONNX node PyTorch's module means (auto_pad SAME_UPPER is padding='same'), expected still PyTorch's output.
- Resize with coordinate_transformation_mode tf_crop_and_resize (several roi, extrapolation values, nearest
  modes, linear, cubic), expected = onnx 1.12's reference implementation (interpolate_nd of
  onnx/backend/test/case/node/resize.py, what onnx's own two tf_crop_and_resize cases are computed with).

Deterministic: every case seeds torch and numpy with its own number.
"""
import io

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper
from onnx.backend.test.case.node import resize as onnx_resize

TORCH_SOURCE = "PyTorch 1.13: torch.onnx.export of the module, expected its output"
HELPER_SOURCE = "onnx.helper graph of what the PyTorch module means, expected PyTorch's output"
RESIZE_SOURCE = "onnx.helper graph, expected onnx 1.12's reference implementation (resize.py interpolate_nd)"


class Case:
    def __init__(self, op, name, model, x, y, source):
        self.op, self.name, self.model, self.x, self.y, self.source = op, name, model, x, y, source


def exported(op, name, module, shape, seed, opset=14):
    torch.manual_seed(seed)
    module = module.eval()
    for p in module.parameters():  # weights of both signs and away from zero, as trained ones are
        p.data.uniform_(-1, 1)
    for b in module.buffers():
        if b.dtype == torch.float32:
            b.data.uniform_(0.5, 1.5)
    x = torch.randn(*shape)
    with torch.no_grad():
        y = module(x.clone())
    f = io.BytesIO()
    torch.onnx.export(module, x, f, opset_version=opset, input_names=["x"], output_names=["y"], do_constant_folding=True)
    model = onnx.load_from_string(f.getvalue())
    onnx.checker.check_model(model)
    return Case(op, name, model, x.numpy(), y.numpy(), TORCH_SOURCE)


def one_node(op, name, x, y, node_inputs, inits, attrs, source=HELPER_SOURCE, opset=14):
    node = helper.make_node(op, ["x"] + node_inputs, ["y"], **attrs)
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(y.shape))],
                              initializer=[numpy_helper.from_array(np.asarray(v), k) for k, v in inits])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    return Case(op, name, model, np.ascontiguousarray(x, np.float32), np.ascontiguousarray(y, np.float32), source)


def conv1d_helper(name, seed, c_in, c_out, k, length, attrs, torch_conv):
    """A Conv node with weight and bias; torch_conv(x, w, b) is what PyTorch computes for it."""
    torch.manual_seed(seed)
    x, w, b = torch.randn(1, c_in, length), torch.rand(c_out, c_in, k) * 2 - 1, torch.rand(c_out) * 2 - 1
    with torch.no_grad():
        y = torch_conv(x, w, b)
    return one_node("Conv", name, x.numpy(), y.numpy(), ["w", "b"], [("w", w.numpy()), ("b", b.numpy())], attrs)


def one_d():
    cases = [
        exported("Conv", "torch_conv1d", nn.Conv1d(3, 4, 3), (2, 3, 10), 1),
        exported("Conv", "torch_conv1d_stride2_padding1", nn.Conv1d(3, 4, 3, stride=2, padding=1), (1, 3, 11), 2),
        exported("Conv", "torch_conv1d_dilation2_padding3", nn.Conv1d(3, 5, 3, padding=3, dilation=2), (1, 3, 9), 3),
        exported("Conv", "torch_conv1d_groups2", nn.Conv1d(4, 6, 3, padding=1, groups=2), (1, 4, 8), 4),
        exported("Conv", "torch_conv1d_depthwise_stride3_no_bias", nn.Conv1d(4, 4, 5, stride=3, groups=4, bias=False), (1, 4, 17), 5),
        exported("Conv", "torch_conv1d_reflect_padding", nn.Conv1d(2, 3, 3, padding=2, padding_mode="reflect"), (1, 2, 7), 6),
        exported("Conv", "torch_conv1d_opset11", nn.Conv1d(3, 2, 4, stride=2, padding=2), (1, 3, 9), 7, opset=11),
        # torch 1.13 cannot export padding='same'; ONNX's auto_pad SAME_UPPER is it (the odd pad at the end, as PyTorch puts it)
        conv1d_helper("torch_conv1d_same_even_kernel", 8, 2, 3, 4, 9, {"auto_pad": "SAME_UPPER"},
                      lambda x, w, b: F.conv1d(x, w, b, padding="same")),
        conv1d_helper("torch_conv1d_same_dilation2", 9, 2, 3, 3, 8, {"auto_pad": "SAME_UPPER", "dilations": [2]},
                      lambda x, w, b: F.conv1d(x, w, b, padding="same", dilation=2)),
        conv1d_helper("torch_conv1d_same_lower_stride2", 10, 2, 3, 4, 9, {"auto_pad": "SAME_LOWER", "strides": [2]},
                      # 5 outputs: total pad (5 - 1) * 2 + 4 - 9 = 3, SAME_LOWER puts the odd one at the start
                      lambda x, w, b: F.conv1d(F.pad(x, (2, 1)), w, b, stride=2)),
        conv1d_helper("torch_conv1d_asymmetric_pads", 11, 2, 3, 3, 8, {"pads": [2, 0]},
                      lambda x, w, b: F.conv1d(F.pad(x, (2, 0)), w, b)),
        exported("ConvTranspose", "torch_convtranspose1d", nn.ConvTranspose1d(3, 2, 3), (1, 3, 5), 12),
        exported("ConvTranspose", "torch_convtranspose1d_stride2_output_padding1",
                 nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1, output_padding=1), (2, 3, 5), 13),
        exported("ConvTranspose", "torch_convtranspose1d_dilation2_groups2",
                 nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2), (1, 4, 5), 14),
        exported("ConvTranspose", "torch_convtranspose1d_stride3_output_padding2_no_bias",
                 nn.ConvTranspose1d(2, 3, 4, stride=3, padding=2, output_padding=2, bias=False), (1, 2, 6), 15),
        exported("MaxPool", "torch_maxpool1d", nn.MaxPool1d(3, 2), (2, 3, 11), 16),
        exported("MaxPool", "torch_maxpool1d_padding1_ceil", nn.MaxPool1d(3, 2, padding=1, ceil_mode=True), (1, 3, 10), 17),
        exported("MaxPool", "torch_maxpool1d_dilation2_padding1", nn.MaxPool1d(3, 1, padding=1, dilation=2), (1, 2, 9), 18),
        exported("MaxPool", "torch_maxpool1d_dilation2_ceil", nn.MaxPool1d(2, 2, padding=1, dilation=2, ceil_mode=True), (1, 2, 10), 19),
        exported("AveragePool", "torch_avgpool1d", nn.AvgPool1d(3, 2), (2, 3, 11), 20),
        exported("AveragePool", "torch_avgpool1d_padding1_count_include_pad", nn.AvgPool1d(3, 2, padding=1), (1, 3, 9), 21),
        exported("AveragePool", "torch_avgpool1d_padding1_exclude_pad", nn.AvgPool1d(3, 2, padding=1, count_include_pad=False), (1, 3, 9), 22),
        exported("AveragePool", "torch_avgpool1d_ceil_exclude_pad",
                 nn.AvgPool1d(3, 2, padding=1, ceil_mode=True, count_include_pad=False), (1, 3, 10), 23),
        exported("AveragePool", "torch_avgpool1d_ceil_count_include_pad", nn.AvgPool1d(3, 2, padding=1, ceil_mode=True), (1, 2, 10), 24),
        exported("BatchNormalization", "torch_batchnorm1d", nn.BatchNorm1d(3), (2, 3, 7), 25),
        exported("GlobalAveragePool", "torch_adaptiveavgpool1d_1", nn.AdaptiveAvgPool1d(1), (2, 3, 7), 26),
        exported("Conv", "torch_conv1d_block", nn.Sequential(nn.Conv1d(2, 4, 5, padding=2), nn.BatchNorm1d(4), nn.ReLU(),
                                                             nn.MaxPool1d(2), nn.Conv1d(4, 4, 3, groups=2), nn.AdaptiveAvgPool1d(1)),
                 (2, 2, 16), 27),
    ]
    torch.manual_seed(28)
    x = torch.randn(2, 3, 7)
    cases.append(one_node("GlobalMaxPool", "torch_adaptivemaxpool1d_1", x.numpy(), torch.amax(x, 2, keepdim=True).numpy(), [], [], {}))
    torch.manual_seed(29)
    x = torch.randn(1, 3, 10)
    # PyTorch's lp_pool1d is (sum of x^p over the window)^(1/p); ONNX's LpPool the same for p = 2
    cases.append(one_node("LpPool", "torch_lppool1d_p2", x.numpy(), F.lp_pool1d(x, 2, 3, stride=2).numpy(), [], [],
                          {"kernel_shape": [3], "strides": [2], "p": 2}))
    torch.manual_seed(30)
    x = torch.randn(1, 2, 9)
    # MaxPool1d with auto_pad SAME_UPPER: 5 outputs, total pad (5 - 1) * 2 + 3 - 9 = 2, one at each end
    cases.append(one_node("MaxPool", "torch_maxpool1d_same_upper", x.numpy(), F.max_pool1d(x, 3, 2, padding=1).numpy(), [], [],
                          {"kernel_shape": [3], "strides": [2], "auto_pad": "SAME_UPPER"}))
    return cases


def crop_and_resize(name, seed, shape, sizes, roi_hw, mode, extrapolation=None, nearest_mode=None, cubic_a=None, exclude_outside=None):
    """Resize of an (N, C, H, W) input to sizes with the roi of H and W ([start_h, start_w, end_h, end_w])."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-4, 4, size=shape).astype(np.float32)
    roi = np.array([0, 0, roi_hw[0], roi_hw[1], 1, 1, roi_hw[2], roi_hw[3]], dtype=np.float32)
    sizes = np.array(sizes, dtype=np.int64)
    attrs = {"mode": mode, "coordinate_transformation_mode": "tf_crop_and_resize"}
    kwargs = {}
    if extrapolation is not None:
        attrs["extrapolation_value"] = extrapolation
        kwargs["extrapolation_value"] = extrapolation
    if mode == "nearest":
        nm = nearest_mode or "round_prefer_floor"
        if nearest_mode:
            attrs["nearest_mode"] = nearest_mode
        coeffs = lambda r: onnx_resize.nearest_coeffs(r, mode=nm)  # noqa: E731
    elif mode == "linear":
        coeffs = onnx_resize.linear_coeffs
    else:
        a = -0.75 if cubic_a is None else cubic_a
        if cubic_a is not None:
            attrs["cubic_coeff_a"] = cubic_a
        if exclude_outside is not None:
            attrs["exclude_outside"] = exclude_outside
            kwargs["exclude_outside"] = bool(exclude_outside)
        coeffs = lambda r: onnx_resize.cubic_coeffs(r, A=a)  # noqa: E731
    y = onnx_resize.interpolate_nd(x, coeffs, output_size=sizes, roi=roi, coordinate_transformation_mode="tf_crop_and_resize",
                                   **kwargs).astype(np.float32)
    return one_node("Resize", name, x, y, ["roi", "", "sizes"], [("roi", roi), ("sizes", sizes)], attrs, RESIZE_SOURCE, opset=13)


def tf_crop_and_resize():
    s = (1, 2, 5, 6)
    return [
        crop_and_resize("crop_and_resize_linear_inside", 40, s, (1, 2, 4, 5), (0.2, 0.1, 0.9, 0.75), "linear"),
        crop_and_resize("crop_and_resize_linear_outside_default_zero", 41, s, (1, 2, 6, 7), (-0.3, 0.5, 1.2, 1.4), "linear"),
        crop_and_resize("crop_and_resize_linear_extrapolation_minus_2_5", 42, s, (1, 2, 6, 7), (-0.3, -0.6, 1.2, 1.4), "linear", -2.5),
        crop_and_resize("crop_and_resize_linear_upsample_flipped", 43, s, (1, 2, 9, 11), (0.8, 0.9, 0.1, 0.05), "linear"),
        crop_and_resize("crop_and_resize_linear_output_length_1", 44, (2, 3, 4, 5), (2, 3, 1, 4), (0.25, -0.2, 0.75, 0.6), "linear", 1.5),
        crop_and_resize("crop_and_resize_nearest_round_prefer_floor", 45, s, (1, 2, 7, 8), (-0.1, 0.0, 1.1, 0.7), "nearest", 9.0),
        crop_and_resize("crop_and_resize_nearest_round_prefer_ceil", 46, s, (1, 2, 7, 8), (-0.1, 0.0, 1.1, 0.7), "nearest", 9.0,
                        nearest_mode="round_prefer_ceil"),
        crop_and_resize("crop_and_resize_nearest_floor", 47, s, (1, 2, 3, 9), (0.3, -0.25, 0.9, 1.25), "nearest", -1.0, nearest_mode="floor"),
        crop_and_resize("crop_and_resize_nearest_ceil", 48, s, (1, 2, 3, 9), (0.3, -0.25, 0.9, 1.25), "nearest", -1.0, nearest_mode="ceil"),
        crop_and_resize("crop_and_resize_cubic", 49, s, (1, 2, 6, 6), (0.1, 0.2, 0.9, 0.7), "cubic"),
        crop_and_resize("crop_and_resize_cubic_outside_extrapolation_3", 50, s, (1, 2, 6, 8), (-0.2, 0.3, 0.8, 1.3), "cubic", 3.0),
        crop_and_resize("crop_and_resize_cubic_a_0_5_exclude_outside", 51, s, (1, 2, 7, 5), (0.0, -0.1, 1.0, 0.9), "cubic", 0.5,
                        cubic_a=-0.5, exclude_outside=1),
    ]


def all_cases():
    return one_d() + tf_crop_and_resize()
