#!/usr/bin/python3
"""Writes the importer's test cases: tiny ONNX models with an input and the expected output.

Run with Debian's python3 (PyTorch 1.13, onnx 1.12):  /usr/bin/python3 export_cases.py [OUT_DIR]
(default: ../resources/cases). Deterministic: fixed seeds, CPU, float32.

Each case is a folder with model.onnx, input.npy and expected.npy. Most models are nn.Modules
exported with torch.onnx.export at opset 14 (the default of torch 1.13) or 11; the expected
output is PyTorch's. Where ONNX semantics differ from what PyTorch can export (asymmetric pads,
Softmax's pre-13 axis rule, auto_pad, ConvTranspose output_shape), the graph is written with
onnx.helper and the expected output is computed independently here with PyTorch functions (the
ONNX rule spelled out in numpy/torch), never by opsgi.
"""
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "cases")


def save(name, model_bytes, x, y):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model_bytes)
    np.save(os.path.join(d, "input.npy"), np.ascontiguousarray(x, dtype=np.float32))
    np.save(os.path.join(d, "expected.npy"), np.ascontiguousarray(y, dtype=np.float32))


def export(name, module, shape, opset=14, seed=0, folding=True, scale=1.0):
    torch.manual_seed(seed)
    module = module.eval()
    x = (torch.randn(*shape) * scale).float()
    with torch.no_grad():
        y = module(x)
    path = os.path.join(OUT, name)
    os.makedirs(path, exist_ok=True)
    f = os.path.join(path, "model.onnx")
    torch.onnx.export(module, x, f, opset_version=opset, do_constant_folding=folding, input_names=["x"], output_names=["y"])
    m = onnx.load(f)
    onnx.checker.check_model(m)
    save(name, m.SerializeToString(), x.numpy(), y.numpy())


def graph(name, nodes, x, y, inits=(), opset=14, in_shape=None):
    """A hand-written ONNX graph with one float input 'x' and output 'y'; y is computed by the caller."""
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(in_shape or x.shape))],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(y.shape))],
                          initializer=[numpy_helper.from_array(np.asarray(v), k) for k, v in inits])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="opsgi-test")
    onnx.checker.check_model(m)
    save(name, m.SerializeToString(), x, y)


def affine(norm):
    """A normalization layer with a drawn scale and shift, so that a lost or misplaced affine step shows."""
    norm.weight.data.uniform_(0.5, 1.5)
    norm.bias.data.uniform_(-0.5, 0.5)
    return norm


def calibrated_bn(c):
    bn = nn.BatchNorm2d(c)
    bn.running_mean.uniform_(-0.5, 0.5)
    bn.running_var.uniform_(0.5, 2.0)
    bn.weight.data.uniform_(0.5, 1.5)
    bn.bias.data.uniform_(-0.5, 0.5)
    return bn


class Reductions(nn.Module):
    """torch's reductions as torch 1.13 exports them: ReduceMax, ReduceMin, ReduceSum (axes an input from opset 13),
    ReduceL2 (x.norm, and F.normalize with its Expand), over one axis, H and W, and separate axes."""

    def forward(self, x):
        a = x.amax(dim=(2, 3), keepdim=True) + x.amin(dim=1, keepdim=True)
        b = x.sum(dim=(1, 3), keepdim=True) * x.amax(dim=(0, 2), keepdim=True)
        c = x / x.norm(p=2, dim=1, keepdim=True).clamp_min(1e-6)
        d = F.normalize(x, dim=1) + x.amax(dim=1, keepdim=True).expand(2, 3, 4, 5)
        return torch.cat([(a + b).flatten(1), c.flatten(1), d.flatten(1), x.sum(dim=(1, 2)), x.amin(dim=(2, 3))], 1)


class L(nn.Module):
    """A function as a module, for one-line export cases."""

    def __init__(self, f):
        super().__init__()
        self.f = f

    def forward(self, x):
        return self.f(x)


class Interpolate1d(nn.Module):
    """F.interpolate of (N, C, L) signals: nearest and linear, by scale and by size, with and without align_corners."""

    def forward(self, x):
        a = F.interpolate(x, scale_factor=2.0, mode="nearest")
        b = F.interpolate(x, scale_factor=2.0, mode="linear", align_corners=False)
        c = F.interpolate(x, size=11, mode="linear", align_corners=True)
        d = F.interpolate(x, size=5, mode="nearest")
        return torch.cat([a, b, c, d], 2)


class MaxMin(nn.Module):
    """torch.maximum and torch.minimum (ONNX Max and Min), one operand broadcast per channel."""

    def __init__(self):
        super().__init__()
        self.register_buffer("floor", torch.tensor([-0.5, 0.0, 0.25]).reshape(3, 1, 1))

    def forward(self, x):
        return torch.maximum(x, self.floor) + torch.minimum(-x, 0.5 * x)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1)
        self.bn = calibrated_bn(4)

    def forward(self, x):
        return F.relu(x + self.bn(self.conv(x)))


class ShuffleUnit(nn.Module):
    """ShuffleNet V2's unit: x.chunk(2, dim=1) (Slice along C, its bounds from Shape arithmetic), one half through a conv,
    concatenated, channel_shuffle (a 5-D view and transpose); then a slice along C, H and W at once."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        a, b = x.chunk(2, dim=1)
        y = torch.cat([a, F.relu(self.conv(b))], 1)
        n, c, h, w = y.shape
        y = y.view(n, 2, c // 2, h, w).transpose(1, 2).reshape(n, c, h, w)
        return y[:, 1:5, 1:, :-1]


class Splits(nn.Module):
    """torch.split exported as Split (the sizes an attribute before opset 13, an input from 13): equal halves and
    unequal parts along C (ShuffleNet's channel split), then unequal parts along W."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        a, b = torch.split(x, 3, dim=1)
        p, q, r = torch.split(x, [1, 2, 3], dim=1)
        y = torch.cat([a, F.relu(self.conv(b)), r, q * 2, p], 1)
        u, v = torch.split(y, [1, 3], dim=3)
        return torch.cat([v, u], 3)


class TransformInput(nn.Module):
    """GoogLeNet's and Inception V3's transform_input (torchvision's with pretrained weights): x[:, i] is a Gather of data
    along C with a scalar index; x[:, [1, 2]] one with a run of indices."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 1)

    def forward(self, x):
        c0 = torch.unsqueeze(x[:, 0], 1) * (0.229 / 0.5) + (0.485 - 0.5) / 0.5
        c2 = torch.unsqueeze(x[:, 2], 1) * (0.225 / 0.5) + (0.406 - 0.5) / 0.5
        return torch.cat([self.conv(torch.cat([c0, x[:, 1:2], c2], 1)), x[:, [1, 2]]], 1)


class ViewHead(nn.Module):
    """x.view(x.size(0), -1): the Shape -> Gather -> Unsqueeze -> Concat -> Reshape subgraph."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2)
        self.fc = nn.Linear(4 * 3 * 3, 5)

    def forward(self, x):
        x = self.conv(x)
        return self.fc(x.view(x.size(0), -1))


class Branches(nn.Module):
    """torch.cat of two branches."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 2, 1)
        self.b = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return torch.cat([F.relu(self.a(x)), torch.sigmoid(self.b(x))], dim=1)


class Activations(nn.Module):
    def __init__(self, celu=True):
        super().__init__()
        self.celu = celu
        self.prelu = nn.PReLU(4, init=0.1)
        self.prelu.weight.data.uniform_(-0.5, 0.5)

    def forward(self, x):
        a, b, c, d = x[:, 0:1], x[:, 1:2], x[:, 2:3], x[:, 3:4]
        return torch.cat([F.leaky_relu(x, 0.2), F.elu(x, 0.7), F.selu(x), F.celu(x, 1.3) if self.celu else x, torch.sigmoid(x), torch.tanh(x), F.softplus(x),
                          F.hardsigmoid(x), F.hardswish(x), F.relu6(x * 3), F.hardtanh(x, -0.5, 0.25), self.prelu(x)], dim=1)


class Pools(nn.Module):
    def forward(self, x):
        return torch.cat([F.max_pool2d(x, 3, 2, 1), F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), F.avg_pool2d(x, 3, 2, 1)], dim=1)


class CeilPools(nn.Module):
    def forward(self, x):
        return torch.cat([F.max_pool2d(x, 3, 2, ceil_mode=True), F.max_pool2d(x, 2, 2, dilation=1, ceil_mode=True)[:, :, :4, :4]], dim=1)


class Globals(nn.Module):
    def forward(self, x):
        return torch.cat([F.adaptive_avg_pool2d(x, 1), F.adaptive_max_pool2d(x, 1)], dim=1).flatten(1)


class Pads(nn.Module):
    def forward(self, x):
        return torch.cat([F.pad(x, (1, 2, 0, 1), mode="constant", value=0.5), F.pad(x, (1, 2, 0, 1), mode="reflect"),
                          F.pad(x, (1, 2, 0, 1), mode="replicate")], dim=1)


class SoftmaxHead(nn.Module):
    def forward(self, x):
        return torch.cat([F.softmax(x, dim=1), F.log_softmax(x, dim=-1)], dim=1)


class Upsamples(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 1)

    def forward(self, x):
        return torch.cat([F.interpolate(x, scale_factor=2, mode="nearest"), F.interpolate(self.conv(x), scale_factor=2, mode="bilinear", align_corners=False),
                          F.interpolate(x, size=(8, 8), mode="bilinear", align_corners=True)], dim=1)


class MatMuls(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(6, 3))

    def forward(self, x):
        # (N, C, H, W) -> x @ W on the last dimension (MatMul with a constant B), then a transpose
        return (x.permute(0, 2, 1, 3).reshape(2, 4, 6) @ self.w).transpose(1, 2)


class MeanHead(nn.Module):
    """x.mean((2, 3)): ReduceMean over H and W (keepdims 0), then a linear layer."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(F.relu(self.conv(x)).mean((2, 3)))


class Arithmetic(nn.Module):
    """Broadcasting Add/Sub/Mul/Div of data with data and with constants."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(4, 2, 1)
        self.b = nn.Conv2d(4, 2, 1)
        self.scale = nn.Parameter(torch.rand(2, 1, 1) + 0.5)

    def forward(self, x):
        y, z = self.a(x), self.b(x)
        return torch.cat([y + z, y - z * 0.5, y * self.scale, y / (torch.sigmoid(z) + 1), 2.0 - y], dim=1)


def main():
    torch.manual_seed(0)
    np.random.seed(0)
    # ---- exported modules
    torch.manual_seed(1)
    export("conv_bn_relu_pool", nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), calibrated_bn(4), nn.ReLU(), nn.MaxPool2d(2)), (1, 3, 8, 8), folding=False)
    torch.manual_seed(2)
    export("conv_groups_dilation", nn.Sequential(nn.Conv2d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2, bias=False), nn.ReLU()), (2, 4, 9, 9))
    torch.manual_seed(3)
    export("conv_transpose", nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1), (1, 4, 5, 5))
    torch.manual_seed(4)
    export("residual", Residual(), (1, 4, 6, 6), folding=False)
    torch.manual_seed(5)
    export("view_head", ViewHead(), (2, 3, 8, 8))
    torch.manual_seed(6)
    export("view_head_opset11", ViewHead(), (2, 3, 8, 8), opset=11)
    torch.manual_seed(7)
    export("mobilenet_block", nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), calibrated_bn(8), nn.ReLU6(), nn.Conv2d(8, 8, 3, 1, 1, groups=8),
                                            nn.Hardswish(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(8, 3)), (1, 3, 10, 10))
    torch.manual_seed(8)
    export("branches_concat", Branches(), (1, 3, 6, 6))
    torch.manual_seed(9)
    export("activations", Activations(), (1, 4, 5, 5), scale=3.0)
    export("activations_opset11", Activations(celu=False), (1, 4, 5, 5), scale=3.0, opset=11)  # Celu arrived in opset 12
    export("pools", Pools(), (1, 2, 7, 7))
    export("ceil_pools", CeilPools(), (1, 2, 9, 9))
    export("global_pools", Globals(), (2, 3, 5, 4))
    export("pads", Pads(), (1, 2, 5, 5))
    export("pads_opset9", Pads(), (1, 2, 5, 5), opset=9)
    export("softmax", SoftmaxHead(), (1, 3, 2, 4))
    export("softmax_opset11", SoftmaxHead(), (1, 3, 2, 4), opset=11)
    torch.manual_seed(10)
    export("upsample", Upsamples(), (1, 2, 4, 4))
    export("upsample_opset11", Upsamples(), (1, 2, 4, 4), opset=11)
    export("upsample_opset9", nn.Upsample(scale_factor=2, mode="nearest"), (1, 2, 3, 3), opset=9)
    torch.manual_seed(11)
    export("matmul_linear", MatMuls(), (2, 2, 4, 3))
    export("arithmetic", Arithmetic(), (1, 4, 3, 3))
    torch.manual_seed(13)
    export("reduce_mean", MeanHead(), (2, 3, 6, 6))
    torch.manual_seed(12)
    export("mlp_opset9", nn.Sequential(nn.Flatten(), nn.Linear(12, 6), nn.ReLU(), nn.Linear(6, 2)), (3, 3, 2, 2), opset=9)
    torch.manual_seed(14)
    export("shuffle_unit", ShuffleUnit(), (2, 6, 5, 5))
    export("shuffle_unit_opset11", ShuffleUnit(), (2, 6, 5, 5), opset=11)
    torch.manual_seed(15)
    export("transform_input", TransformInput(), (2, 3, 5, 4))
    torch.manual_seed(16)
    export("split", Splits(), (2, 6, 5, 4))
    export("split_opset11", Splits(), (2, 6, 5, 4), opset=11)
    torch.manual_seed(19)
    export("reductions", Reductions(), (2, 3, 4, 5))
    export("reductions_opset11", Reductions(), (2, 3, 4, 5), opset=11)
    export("maximum_minimum", MaxMin(), (2, 3, 4, 5))
    torch.manual_seed(20)
    export("interpolate_1d", Interpolate1d(), (2, 3, 7))
    export("interpolate_1d_opset11", Interpolate1d(), (2, 3, 7), opset=11)
    export("tile", L(lambda x: x.repeat(1, 2, 1, 3) * 2), (2, 3, 4, 5))
    # YOLOv5's Focus (Slice with step 2 on H and W), steps past the end, torch.flip (Slice with step -1), index_select
    focus = L(lambda x: torch.cat([x[..., ::2, ::2], x[..., 1::2, ::2], x[..., ::2, 1::2], x[..., 1::2, 1::2]], 1))
    export("focus", nn.Sequential(focus, nn.Conv2d(12, 4, 3, padding=1)), (1, 3, 8, 10))
    export("strided_slices", L(lambda x: torch.cat([x[:, :, ::2, ::3].flatten(1), x.flip(3)[:, :, 1::2, :].flatten(1),
                                                      x.index_select(1, torch.tensor([2, 0, 1, 1])).flatten(1)], 1)), (2, 3, 7, 8))
    # x.std and x.var: the count of reduced values is a ReduceProd of a Shape, folded at import
    export("std_var", L(lambda x: x / x.std(dim=1, keepdim=True) + x.var(dim=(2, 3), keepdim=True)), (2, 3, 4, 5))
    # InstanceNormalization: InstanceNorm2d with and without its affine step; GroupNorm, exported by torch 1.13 as a
    # reshape to (N, groups, rest) around an InstanceNormalization of unit scale and zero bias, then Mul and Add
    torch.manual_seed(17)
    export("instance_norm", nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), affine(nn.InstanceNorm2d(4, affine=True)), nn.ReLU()), (2, 3, 7, 6))
    export("instance_norm_opset9", nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), affine(nn.InstanceNorm2d(4, affine=True))), (2, 3, 7, 6), opset=9)
    export("instance_norm_plain", nn.InstanceNorm2d(3), (2, 3, 5, 4), scale=3.0)
    export("group_norm", nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), affine(nn.GroupNorm(3, 6)), nn.SiLU()), (2, 3, 6, 5))
    export("group_norm_opset11", affine(nn.GroupNorm(2, 4, eps=1e-3)), (1, 4, 3, 5), opset=11)
    # DepthToSpace: PixelShuffle exports as its CRD mode (opset >= 11); PixelUnshuffle as reshape and transpose
    torch.manual_seed(18)
    export("pixel_shuffle", nn.Sequential(nn.Conv2d(2, 12, 3, padding=1), nn.PixelShuffle(2)), (1, 2, 4, 5))
    export("pixel_shuffle_opset11", nn.Sequential(nn.Conv2d(2, 27, 3, padding=1), nn.PixelShuffle(3)), (2, 2, 3, 4), opset=11)
    export("pixel_unshuffle", nn.PixelUnshuffle(2), (1, 3, 4, 6))

    # ---- hand-written graphs: ONNX rules PyTorch does not export, expected output computed here
    # LRN with AlexNet's settings: for an odd size PyTorch's local_response_norm sums the same window as ONNX's rule
    xl = (np.random.default_rng(7).standard_normal((2, 7, 3, 4)) * 4).astype(np.float32)
    y = F.local_response_norm(torch.from_numpy(xl), 5, alpha=1e-4, beta=0.75, k=2.0).numpy()
    graph("lrn_alexnet", [helper.make_node("LRN", ["x"], ["y"], size=5, alpha=1e-4, beta=0.75, bias=2.0)], xl, y)
    # an even size: ONNX's window is c - floor((size-1)/2) .. c + ceil((size-1)/2), one channel later than PyTorch's
    sq = np.pad(xl.astype(np.float64) ** 2, ((0, 0), (1, 2), (0, 0), (0, 0)))
    y = (xl / (1.5 + (0.2 / 4) * sum(sq[:, i:i + 7] for i in range(4))) ** 0.5).astype(np.float32)
    graph("lrn_even_size", [helper.make_node("LRN", ["x"], ["y"], size=4, alpha=0.2, beta=0.5, bias=1.5)], xl, y)
    # DepthToSpace's default DCR mode and SpaceToDepth, each as ONNX defines it: reshape to six axes, transpose, reshape
    xd = np.random.default_rng(5).standard_normal((2, 8, 3, 2)).astype(np.float32)
    y = xd.reshape(2, 2, 2, 2, 3, 2).transpose(0, 3, 4, 1, 5, 2).reshape(2, 2, 6, 4)
    graph("depth_to_space_dcr", [helper.make_node("DepthToSpace", ["x"], ["y"], blocksize=2)], xd, y)
    xs = np.random.default_rng(6).standard_normal((1, 2, 6, 9)).astype(np.float32)
    y = xs.reshape(1, 2, 2, 3, 3, 3).transpose(0, 3, 5, 1, 2, 4).reshape(1, 18, 2, 3)
    graph("space_to_depth", [helper.make_node("SpaceToDepth", ["x"], ["y"], blocksize=3)], xs, y)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 2, 7, 6)).astype(np.float32)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    # asymmetric pads [top, left, bottom, right] = [0, 1, 2, 0]: F.pad takes (left, right, top, bottom)
    y = F.conv2d(F.pad(torch.from_numpy(x), (1, 0, 0, 2)), torch.from_numpy(w), torch.from_numpy(b), stride=2).numpy()
    graph("conv_asymmetric_pads", [helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[0, 1, 2, 0], strides=[2, 2])], x, y, [("w", w), ("b", b)])
    # SAME_LOWER, stride 2: total pad per axis = max(0, (ceil(in/s)-1)*s + k - in); the odd one goes first
    def same(n, k, s, lower):
        out = -(-n // s)
        t = max(0, (out - 1) * s + k - n)
        return (t - t // 2, t // 2) if lower else (t // 2, t - t // 2)
    ph, pw = same(7, 3, 2, True), same(6, 3, 2, True)
    y = F.conv2d(F.pad(torch.from_numpy(x), (pw[0], pw[1], ph[0], ph[1])), torch.from_numpy(w), None, stride=2).numpy()
    graph("conv_same_lower", [helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_LOWER", strides=[2, 2])], x, y, [("w", w)])
    # MaxPool SAME_UPPER (pad with -inf), AveragePool with asymmetric pads and count_include_pad=0
    ph, pw = same(7, 3, 2, False), same(6, 3, 2, False)
    y = F.max_pool2d(F.pad(torch.from_numpy(x), (pw[0], pw[1], ph[0], ph[1]), value=float("-inf")), 3, 2).numpy()
    graph("maxpool_same_upper", [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")], x, y)
    # Softmax at opset 11, axis=1 of a 4-D input: coerced to 2-D [N, C*H*W], normalized over all of C, H, W
    x4 = rng.standard_normal((2, 3, 2, 2)).astype(np.float32)
    y = F.softmax(torch.from_numpy(x4).reshape(2, -1), dim=1).reshape(2, 3, 2, 2).numpy()
    graph("softmax_axis1_opset11", [helper.make_node("Softmax", ["x"], ["y"], axis=1)], x4, y, opset=11)
    y = F.log_softmax(torch.from_numpy(x4).reshape(2, -1), dim=1).reshape(2, 3, 2, 2).numpy()
    graph("logsoftmax_default_opset12", [helper.make_node("LogSoftmax", ["x"], ["y"])], x4, y, opset=12)
    # ConvTranspose with output_shape: ONNX Runtime's rule, total = full - wanted, head = total/2 (NOTSET), tail the rest
    xt = rng.standard_normal((1, 2, 4, 4)).astype(np.float32)
    wt = rng.standard_normal((2, 3, 3, 3)).astype(np.float32)
    bt = rng.standard_normal(3).astype(np.float32)
    full = F.conv_transpose2d(torch.from_numpy(xt), torch.from_numpy(wt), None, stride=2)  # 9x9
    want = (8, 10)
    # H: total = 9 - 8 = 1 -> head 0, tail 1 (crop the last row); W: total = 9 - 10 = -1 -> max(0, .) = 0: the output is 9 wide?
    # ONNX Runtime clamps the total to 0 and the output is then (i-1)s + k = 9, not 10: ask only for shrinking sizes.
    want = (8, 7)
    y = full[:, :, 0:8, 1:8] + torch.from_numpy(bt).reshape(1, 3, 1, 1)
    graph("conv_transpose_output_shape", [helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], strides=[2, 2], output_shape=list(want))],
          xt, y.numpy(), [("w", wt), ("b", bt)])
    # ConvTranspose with asymmetric pads [top, left, bottom, right] = [1, 0, 0, 2] and output_padding 1 (grows the tail)
    full = F.conv_transpose2d(torch.from_numpy(xt), torch.from_numpy(wt), None, stride=2)  # 9x9, zeros for the output_padding row/col
    full = F.pad(full, (0, 1, 0, 1))  # output_padding 1 at the tail: 10x10
    y = full[:, :, 1:10, 0:8] + torch.from_numpy(bt).reshape(1, 3, 1, 1)
    graph("conv_transpose_asymmetric", [helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], strides=[2, 2], pads=[1, 0, 0, 2],
                                                         output_padding=[1, 1])], xt, y.numpy(), [("w", wt), ("b", bt)])
    # PRelu with one slope for all, Gemm with transA, alpha, beta and a scalar C, Clip with only a max, Flatten axis 2, Softsign
    xg = rng.standard_normal((4, 3)).astype(np.float32)
    bg = rng.standard_normal((5, 4)).astype(np.float32)
    y = 0.5 * (xg.T @ bg.T) + 2.0 * np.float32(0.3)
    graph("gemm_trans", [helper.make_node("Gemm", ["x", "b", "c"], ["y"], transA=1, transB=1, alpha=0.5, beta=2.0)], xg, y.astype(np.float32),
          [("b", bg), ("c", np.array([0.3], dtype=np.float32))])
    xc = (rng.standard_normal((1, 2, 3, 3)) * 3).astype(np.float32)
    y = np.minimum(xc, 1.5)
    graph("clip_max_only", [helper.make_node("Clip", ["x", "", "m"], ["y"])], xc, y, [("m", np.array(1.5, dtype=np.float32))], opset=13)
    y = np.clip(xc, -1.0, 2.0)
    graph("clip_attributes_opset9", [helper.make_node("Clip", ["x"], ["y"], min=-1.0, max=2.0)], xc, y, opset=9)
    y = np.where(xc >= 0, xc, np.float32(0.25) * xc)
    graph("prelu_single_slope", [helper.make_node("PRelu", ["x", "s"], ["y"])], xc, y.astype(np.float32), [("s", np.array([0.25], dtype=np.float32))])
    y = xc.reshape(2, 9)
    graph("flatten_axis2", [helper.make_node("Flatten", ["x"], ["y"], axis=2)], xc, y)
    y = (xc / (1 + np.abs(xc))).astype(np.float32)
    graph("softsign", [helper.make_node("Softsign", ["x"], ["y"])], xc, y)
    # HardSigmoid with ONNX's own alpha and beta: max(0, min(1, alpha*x + beta))
    y = np.clip(np.float32(0.3) * xc + np.float32(0.4), 0, 1).astype(np.float32)
    graph("hardsigmoid_alpha_beta", [helper.make_node("HardSigmoid", ["x"], ["y"], alpha=0.3, beta=0.4)], xc, y)

    # Gemm with a C of one value per element: beta*C added after the linear layer
    cg = rng.standard_normal((3, 5)).astype(np.float32)
    y = xg.T @ bg.T + 0.5 * cg
    graph("gemm_full_c", [helper.make_node("Gemm", ["x", "b", "c"], ["y"], transA=1, transB=1, beta=0.5)], xg, y.astype(np.float32),
          [("b", bg), ("c", cg)])

    # One Slice along C, H and W at once (axes [3, 1, 2], a negative end, an end past the size): x[:, 1:5, 1:, :-1]
    xs = rng.standard_normal((2, 6, 5, 5)).astype(np.float32)
    graph("slice_channels_spatial", [helper.make_node("Slice", ["x", "st", "en", "ax"], ["y"])], xs, xs[:, 1:5, 1:, :-1],
          [("st", np.array([0, 1, 1], dtype=np.int64)), ("en", np.array([-1, 5, 99], dtype=np.int64)), ("ax", np.array([3, 1, 2], dtype=np.int64))])

    # Split without sizes: equal parts, one per output (axis -1 of a 3-D input), the parts concatenated in reverse order
    xp = rng.standard_normal((2, 3, 6)).astype(np.float32)
    for opset in (11, 13):
        graph(f"split_equal_parts_last_axis_opset{opset}", [helper.make_node("Split", ["x"], ["p0", "p1", "p2"], axis=-1),
                                                            helper.make_node("Concat", ["p2", "p0", "p1"], ["y"], axis=-1)],
              xp, np.concatenate([xp[..., 4:], xp[..., :2], xp[..., 2:4]], -1), opset=opset)

    # ReduceMean over runs of axes other than H and W: the last axis (keepdims 0), the middle axes [1, 2] of a 4-D
    # input (negative axes), and every axis (axes absent); expected from numpy in float64
    xr = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    graph("reduce_mean_last_axis_keepdims0", [helper.make_node("ReduceMean", ["x"], ["y"], axes=[-1], keepdims=0)], xr,
          xr.astype(np.float64).mean(-1).astype(np.float32))
    graph("reduce_mean_middle_axes", [helper.make_node("ReduceMean", ["x"], ["y"], axes=[-3, 2])], xr,
          xr.astype(np.float64).mean((1, 2), keepdims=True).astype(np.float32))
    graph("reduce_mean_all_axes", [helper.make_node("ReduceMean", ["x"], ["y"])], xr,
          xr.astype(np.float64).mean(keepdims=True).astype(np.float32))


if __name__ == "__main__":
    main()
