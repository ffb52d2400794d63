#!/usr/bin/python3
"""Writes the opsgi reference vectors from PyTorch 1.13 (Debian python3-torch).

    /usr/bin/python3 reference-vectors/generate.py

Every op folder and manifest.json next to this file is deleted and rewritten. Two runs give
byte-identical files. The format is documented in FORMAT.md; the operator facts behind the
planned cases are in OPERATOR-SEMANTICS.md, the rule ids in docs/RULES.md.

Layout of this file: infrastructure (data, case recording, writing, verification), then one
function per op family with its planned cases, error cases and seeded random sweep.
"""
import os
import sys

# nn.Conv2d's padding_mode error prints a Python set of strings, whose order depends on the
# string hash seed. Re-run with a fixed seed so that torch_message is the same on every run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import functools
import hashlib
import io
import json
import math
import random
import re
import shutil
import warnings
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 1913
FORMAT_VERSION = 1
ROOT = os.path.dirname(os.path.abspath(__file__))
SIZE_LIMIT = 15 * 1024 * 1024
NAME_RE = re.compile(r"[a-z0-9_]+\Z")
NAN, INF = float("nan"), float("inf")


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

class Rand:
    """Random data for one case, seeded from the case name, so adding or renaming a case never
    changes the data of another one."""

    def __init__(self, name):
        self.g = torch.Generator().manual_seed(SEED * 2**32 + zlib.crc32(name.encode()))

    def randn(self, *shape, scale=1.0):
        return torch.randn(shape, generator=self.g) * scale

    def uniform(self, lo, hi, *shape):
        return torch.rand(shape, generator=self.g) * (hi - lo) + lo

    def ints(self, lo, hi, *shape):
        """Integer-valued float32 in [lo, hi]: exact, and full of ties."""
        return torch.randint(lo, hi + 1, shape, generator=self.g).float()

    def data(self, spec):
        """A tensor is used as is; a shape tuple becomes standard normal data."""
        return spec if isinstance(spec, torch.Tensor) else self.randn(*spec)


def t(values, *shape):
    """float32 tensor from literal values, reshaped."""
    x = torch.tensor(values, dtype=torch.float32)
    return x.reshape(shape) if shape else x


def arange(*shape, start=1.0):
    """start, start+1, ... in row-major order (exact small integers)."""
    n = math.prod(shape)
    return torch.arange(start, start + n, dtype=torch.float32).reshape(shape)


def pair(v):
    """int -> [v, v]; a list or tuple is kept as given (error cases use lengths 1 and 3)."""
    if v is None or isinstance(v, str):
        return v
    return list(v) if isinstance(v, (list, tuple)) else [v, v]


def pool_out(size, k, s, p, d, ceil):
    """pooling_output_shape of ATen 1.13 (OPERATOR-SEMANTICS.md section 3)."""
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return out


def onnx_auto_pads(in_hw, k_hw, stride, dilation, mode):
    """ONNX auto_pad: out = ceil(in/s); the odd element goes at the end (UPPER) or the begin
    (LOWER). Returns [top, left, bottom, right]."""
    begins, ends = [], []
    for n, k, s, d in zip(in_hw, k_hw, stride, dilation):
        out = -(-n // s)
        total = max(0, (out - 1) * s + (k - 1) * d + 1 - n)
        begin = total // 2 if mode == "SAME_UPPER" else total - total // 2
        begins.append(begin)
        ends.append(total - begin)
    return begins + ends


# ---------------------------------------------------------------------------------------------
# How each op's attrs and inputs become a torch call. Every case, valid or error, is produced
# by replaying its recorded attrs/inputs through these functions, so the JSON says exactly
# what torch was asked.
# ---------------------------------------------------------------------------------------------

def run_conv2d(a, i):
    x, w, b = i["input"], i["weight"], i.get("bias")
    if "pads" in a or "auto_pad" in a:  # ONNX extension: explicit zero pad, then padding 0
        pads = a.get("pads") or onnx_auto_pads(x.shape[-2:], w.shape[-2:], a["stride"], a["dilation"], a["auto_pad"])
        top, left, bottom, right = pads
        x = F.pad(x, (left, right, top, bottom))
        return {"output": F.conv2d(x, w, b, a["stride"], 0, a["dilation"], a["groups"])}
    if a["padding_mode"] == "zeros":
        return {"output": F.conv2d(x, w, b, a["stride"], a["padding"], a["dilation"], a["groups"])}
    # nn.Conv2d is where padding_mode lives (and where it is validated).
    m = nn.Conv2d(w.shape[1] * a["groups"], w.shape[0], tuple(w.shape[2:]), a["stride"], a["padding"],
                  a["dilation"], a["groups"], b is not None, a["padding_mode"])
    with torch.no_grad():
        m.weight.copy_(w)
        if b is not None:
            m.bias.copy_(b)
        return {"output": m(x)}


def run_conv_transpose2d(a, i):
    return {"output": F.conv_transpose2d(i["input"], i["weight"], i.get("bias"), a["stride"], a["padding"],
                                         a["output_padding"], a["groups"], a["dilation"])}


# ---- ONNX's four-sided pool form (padding=[top, left, bottom, right]), computed without opsgi's rules:
# explicit F.pad by -inf / 0 past which torch pools with padding 0, cropped to ONNX Runtime's output
# size, and the divisors written out. The rules were established by running ONNX Runtime 1.29 (Java
# API) on asymmetric pads, pads above k/2, ceil_mode, dilation and count_include_pad, and are checked
# against the ORT outputs committed in onnx_runtime/ (see check_against_onnx_runtime).

ORT_FLOAT_LOWEST = -3.4028234663852886e38  # numeric_limits<float>::lowest(): ORT's max over an empty window


def is_onnx_pool(a):
    return isinstance(a.get("padding"), list) and len(a["padding"]) == 4


def onnx_pool_out(size, k, s, pb, pe, d, ceil):
    """ORT 1.29 pool_attributes.h ComputeOutputSize: floor or ceil, and with ceil_mode a last window
    that would start in the end padding is dropped (as PyTorch does)."""
    num = size + pb + pe - d * (k - 1) - 1
    out = (-(-num // s) if ceil else num // s) + 1
    if ceil and (out - 1) * s >= size + pb:
        out -= 1
    return out


def onnx_pool_geometry(a, x, dilation=(1, 1)):
    """Checks ORT's rules (raising ValueError naming them) and returns ((oh, ow), pads, extended F.pad tuple)."""
    k, st, (top, left, bottom, right) = a["kernel_size"], (a["stride"] or a["kernel_size"]), a["padding"]
    if min(k) < 1 or min(st) < 1 or min(dilation) < 1:
        raise ValueError(f"ONNX Runtime: kernel, strides and dilations must be positive, got {k} {st} {dilation}")
    if min(top, left, bottom, right) < 0:
        raise ValueError(f"ONNX Runtime: pads must be non-negative, got {a['padding']}")
    if not (top < k[0] and bottom < k[0] and left < k[1] and right < k[1]):
        raise ValueError(f"ONNX Runtime: Pad should be smaller than kernel, got pads {a['padding']}, kernel {k}")
    if x.dim() not in (3, 4):
        raise ValueError(f"input must be 3-D or 4-D, got {list(x.shape)}")
    H, W = x.shape[-2:]
    if x.shape[-3] == 0 or H == 0 or W == 0:
        raise ValueError(f"empty input {list(x.shape)}")
    oh = onnx_pool_out(H, k[0], st[0], top, bottom, dilation[0], a["ceil_mode"])
    ow = onnx_pool_out(W, k[1], st[1], left, right, dilation[1], a["ceil_mode"])
    if oh < 1 or ow < 1:
        raise ValueError(f"output size {oh}x{ow} is too small")
    # extend the end pads over a ceil_mode window's overhang, so torch (padding 0, floor) sees every window
    need_h = (oh - 1) * st[0] + dilation[0] * (k[0] - 1) + 1
    need_w = (ow - 1) * st[1] + dilation[1] * (k[1] - 1) + 1
    ext = (left, max(right, need_w - W - left), top, max(bottom, need_h - H - top))
    return (oh, ow), ext


def window_reaches_input(start, k, d, size):
    return any(0 <= start + i * d < size for i in range(k))


def run_onnx_max_pool2d(a, i):
    x = i["input"]
    (oh, ow), ext = onnx_pool_geometry(a, x, a["dilation"])
    xp = F.pad(x, ext, value=-INF)
    y, idx = F.max_pool2d(xp, a["kernel_size"], (a["stride"] or a["kernel_size"]), 0, a["dilation"], False, return_indices=True)
    y, idx = y[..., :oh, :ow].clone(), idx[..., :oh, :ow].clone()
    H, W = x.shape[-2:]
    wp = xp.shape[-1]
    # padded coordinates back to the input plane's h*W + w
    idx = (idx // wp - ext[2]) * W + (idx % wp - ext[0])
    (kh, kw), (sh, sw), (dh, dw) = a["kernel_size"], (a["stride"] or a["kernel_size"]), a["dilation"]
    for r in range(oh):
        for c in range(ow):
            if not (window_reaches_input(r * sh - ext[2], kh, dh, H) and window_reaches_input(c * sw - ext[0], kw, dw, W)):
                y[..., r, c] = ORT_FLOAT_LOWEST  # ORT 1.29's value; ONNX's reference implementation's index -1
                idx[..., r, c] = -1
    return {"output": y, "indices": idx}


def window_sums(x, a, ext, oh, ow):
    """The float32 sum of every window in row-major order (zeros in the padding): avg_pool2d with divisor 1."""
    xp = F.pad(x, ext, value=0.0)
    return F.avg_pool2d(xp, a["kernel_size"], (a["stride"] or a["kernel_size"]), 0, False, True, 1)[..., :oh, :ow]


def run_onnx_avg_pool2d(a, i):
    x = i["input"]
    (oh, ow), ext = onnx_pool_geometry(a, x)
    H, W = x.shape[-2:]
    (kh, kw), (sh, sw), (top, left, bottom, right) = a["kernel_size"], (a["stride"] or a["kernel_size"]), a["padding"]
    div = torch.empty(oh, ow)
    for r in range(oh):
        hs = r * sh - top
        for c in range(ow):
            ws = c * sw - left
            if a["divisor_override"] is not None:
                div[r, c] = a["divisor_override"]
            elif a["count_include_pad"]:  # explicit pads count, a ceil_mode overhang past them does not
                div[r, c] = (min(hs + kh, H + bottom) - hs) * (min(ws + kw, W + right) - ws)
            else:
                div[r, c] = (min(hs + kh, H) - max(hs, 0)) * (min(ws + kw, W) - max(ws, 0))
    # + 0.0 as torch's avg_pool2d: it adds the quotient to a zeroed output (a negative divisor_override never gives -0.0)
    return {"output": window_sums(x, a, ext, oh, ow) / div + 0.0}


def run_onnx_lp_pool2d(a, i):
    x = i["input"].abs() if a["abs_input"] else i["input"]
    p = a["norm_type"]
    (oh, ow), ext = onnx_pool_geometry(a, x)
    s = window_sums(x.pow(p), a, ext, oh, ow)  # ONNX LpPool: the window's plain sum, no rescaling
    return {"output": (torch.sign(s) * F.relu(torch.abs(s))).pow(1.0 / p)}


def run_max_pool2d(a, i):
    if is_onnx_pool(a):
        return run_onnx_max_pool2d(a, i)
    y, idx = F.max_pool2d(i["input"], a["kernel_size"], a["stride"], a["padding"], a["dilation"],
                          a["ceil_mode"], return_indices=True)
    return {"output": y, "indices": idx}


def run_avg_pool2d(a, i):
    if is_onnx_pool(a):
        return run_onnx_avg_pool2d(a, i)
    return {"output": F.avg_pool2d(i["input"], a["kernel_size"], a["stride"], a["padding"], a["ceil_mode"],
                                   a["count_include_pad"], a["divisor_override"])}


def run_adaptive_avg_pool2d(a, i):
    return {"output": F.adaptive_avg_pool2d(i["input"], a["output_size"])}


def run_adaptive_max_pool2d(a, i):
    y, idx = F.adaptive_max_pool2d(i["input"], a["output_size"], return_indices=True)
    return {"output": y, "indices": idx}


def run_global_avg_pool2d(a, i):
    return {"output": F.adaptive_avg_pool2d(i["input"], 1)}


def run_global_max_pool2d(a, i):
    y, idx = F.adaptive_max_pool2d(i["input"], 1, return_indices=True)
    return {"output": y, "indices": idx}


def run_lp_pool2d(a, i):
    if is_onnx_pool(a):
        return run_onnx_lp_pool2d(a, i)
    if a.get("padding", [0, 0]) == [0, 0] and not a.get("abs_input"):
        return {"output": F.lp_pool2d(i["input"], a["norm_type"], a["kernel_size"], a["stride"], a["ceil_mode"])}
    # F.lp_pool2d's own code (torch/nn/functional.py 1.13) with the padding passed to its avg_pool2d
    x = i["input"].abs() if a.get("abs_input") else i["input"]
    kw, kh = a["kernel_size"][1], a["kernel_size"][0]
    out = F.avg_pool2d(x.pow(a["norm_type"]), a["kernel_size"], a["stride"], a.get("padding", [0, 0]), a["ceil_mode"])
    return {"output": (torch.sign(out) * F.relu(torch.abs(out))).mul(kw * kh).pow(1.0 / a["norm_type"])}


def run_pad(a, i):
    if "value" in a:
        return {"output": F.pad(i["input"], a["pad"], a["mode"], a["value"])}
    y = F.pad(i["input"], a["pad"], a["mode"])
    if a["mode"] == "circular" and min(a["pad"]) < 0:
        # 1.13's _pad_circular wraps the cropped copy and reads unwritten memory when a pad exceeds it:
        # record only results equal to "narrow, then wrap", i.e. ones that cannot depend on that memory.
        narrowed = F.pad(i["input"], [min(p, 0) for p in a["pad"]])
        assert torch.equal(y, F.pad(narrowed, [max(p, 0) for p in a["pad"]], "circular")), a
    return {"output": y}


def run_batch_norm(a, i):
    rm, rv = i.get("running_mean"), i.get("running_var")  # clones: torch updates them in place
    y = F.batch_norm(i["input"], rm, rv, i.get("weight"), i.get("bias"), a["training"], a["momentum"], a["eps"])
    out = {"output": y}
    if a["training"]:
        if rm is not None:
            out["running_mean"] = rm
        if rv is not None:
            out["running_var"] = rv
    return out


# Activations: op -> (every attr with its torch default, torch call on (input, attrs)).
ACTIVATIONS = {
    "relu": ({}, lambda x, a: F.relu(x)),
    "relu6": ({}, lambda x, a: F.relu6(x)),
    "leaky_relu": ({"negative_slope": 0.01}, lambda x, a: F.leaky_relu(x, a["negative_slope"])),
    "elu": ({"alpha": 1.0}, lambda x, a: F.elu(x, a["alpha"])),
    # selu with alpha or gamma is ONNX Selu: gamma * (x > 0 ? x : alpha*exp(x) - alpha), ONNX's defaults (PyTorch's
    # constants as float32) for the absent one; the torch expression of that formula in float32 (assert_close, the
    # op's class: exp is not correctly rounded). Without them, PyTorch's selu.
    "selu": ({}, lambda x, a: selu_onnx(x, a) if "alpha" in a or "gamma" in a else F.selu(x)),
    "celu": ({"alpha": 1.0}, lambda x, a: F.celu(x, a["alpha"])),
    "gelu": ({"approximate": "none"}, lambda x, a: F.gelu(x, approximate=a["approximate"])),
    "silu": ({}, lambda x, a: F.silu(x)),
    "mish": ({}, lambda x, a: F.mish(x)),
    "hardswish": ({}, lambda x, a: F.hardswish(x)),
    # hardsigmoid with alpha or beta is ONNX HardSigmoid: max(0, min(1, alpha*x + beta)), ONNX's defaults 0.2 and 0.5
    # for the absent one; computed as the torch expression of that formula (float32 multiply, add, clamp: the
    # Java suite holds it bit-exact, the op's class). Without them, PyTorch's hardsigmoid.
    "hardsigmoid": ({}, lambda x, a: torch.clamp(a.get("alpha", 0.2) * x + a.get("beta", 0.5), 0.0, 1.0)
                    if "alpha" in a or "beta" in a else F.hardsigmoid(x)),
    "hardtanh": ({"min_val": -1.0, "max_val": 1.0}, lambda x, a: F.hardtanh(x, a["min_val"], a["max_val"])),
    "sigmoid": ({}, lambda x, a: torch.sigmoid(x)),
    "tanh": ({}, lambda x, a: torch.tanh(x)),
    "softplus": ({"beta": 1.0, "threshold": 20.0}, lambda x, a: F.softplus(x, a["beta"], a["threshold"])),
    "softsign": ({}, lambda x, a: F.softsign(x)),
    "sqrt": ({}, lambda x, a: torch.sqrt(x)),
    "erf": ({}, lambda x, a: torch.erf(x)),
    "abs": ({}, lambda x, a: torch.abs(x)),
    "neg": ({}, lambda x, a: torch.neg(x)),
    "reciprocal": ({}, lambda x, a: torch.reciprocal(x)),
    "floor": ({}, lambda x, a: torch.floor(x)),
    "ceil": ({}, lambda x, a: torch.ceil(x)),
    "sign": ({}, lambda x, a: torch.sign(x)),
    "exp": ({}, lambda x, a: torch.exp(x)),
    "log": ({}, lambda x, a: torch.log(x)),
    "softmax": ({"dim": 1}, lambda x, a: F.softmax(x, a["dim"])),
    "log_softmax": ({"dim": 1}, lambda x, a: F.log_softmax(x, a["dim"])),
}


ONNX_SELU_ALPHA, ONNX_SELU_GAMMA = 1.67326319217681884765625, 1.05070102214813232421875


def selu_onnx(x, a):
    alpha, gamma = a.get("alpha", ONNX_SELU_ALPHA), a.get("gamma", ONNX_SELU_GAMMA)
    return gamma * torch.where(x > 0, x, alpha * torch.exp(x) - alpha)


def activation_runner(fn):
    return lambda a, i: {"output": fn(i["input"], a)}


def run_prelu(a, i):
    return {"output": F.prelu(i["input"], i["weight"])}


def run_linear(a, i):
    return {"output": F.linear(i["input"], i["weight"], i.get("bias"))}


BINARY = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow, "maximum": torch.maximum,
          "minimum": torch.minimum}


def binary_runner(fn):
    return lambda a, i: {"output": fn(i["input"], i["other"])}


def run_matmul(a, i):
    return {"output": torch.matmul(i["input"], i["other"])}


def run_upsample(a, i):
    """nn.Upsample as a user builds it: size and scale_factor as tuples (nn.Upsample turns only tuples into floats)."""
    size = tuple(a["size"]) if isinstance(a["size"], list) else a["size"]
    scale = tuple(float(v) for v in a["scale_factor"]) if isinstance(a["scale_factor"], list) else a["scale_factor"]
    m = nn.Upsample(size=size, scale_factor=scale, mode=a["mode"], align_corners=a["align_corners"],
                    recompute_scale_factor=a["recompute_scale_factor"])
    return {"output": m(i["input"])}


# ---- resize: ONNX Resize (opsets 10-17), expected values from onnx 1.12's reference implementation
# (onnx.backend.test.case.node.resize: interpolate_nd, nearest_coeffs, linear_coeffs), plane by plane.
# Each case is also computed from the ONNX spec's formulas (resize_by_spec) and must agree, and the
# modes that equal a PyTorch interpolation are checked against torch (resize_torch_twin).

def resize_output_size(a, hw):
    if a.get("sizes") is not None:
        return list(a["sizes"])
    # ONNX's float32 scales, multiplied in float64 as interpolate_nd does
    return [int(math.floor(float(np.float32(s)) * n)) for s, n in zip(a["scales"], hw)]


def resize_check(a, x):
    """The contract's refusals, each a ValueError naming the rule (ONNX itself has no error strings for these)."""
    if a.get("mode") not in ("nearest", "linear", "cubic"):
        raise ValueError(f"resize: mode must be nearest, linear or cubic, got {a.get('mode')!r}")
    if a.get("coordinate_transformation_mode") not in ("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                                       "tf_half_pixel_for_nn", "tf_crop_and_resize"):
        raise ValueError(f"resize: unsupported coordinate_transformation_mode {a.get('coordinate_transformation_mode')!r}")
    if a.get("coordinate_transformation_mode") == "tf_crop_and_resize" and a.get("sizes") is None:
        # ONNX's spec sizes it floor(in * (end - start) * scale), onnx's reference floor(in * scale): opsgi takes sizes
        raise ValueError("resize: tf_crop_and_resize needs sizes")
    if a.get("nearest_mode") not in ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil"):
        raise ValueError(f"resize: unsupported nearest_mode {a.get('nearest_mode')!r}")
    if (a.get("scales") is None) == (a.get("sizes") is None):
        raise ValueError("resize: exactly one of scales and sizes")
    for key in ("scales", "sizes"):
        if a.get(key) is not None and len(a[key]) != 2:
            raise ValueError(f"resize: {key} must have 2 elements")
    if a.get("scales") is not None and min(a["scales"]) <= 0:
        raise ValueError("resize: scales must be positive")
    if x.dim() != 4:
        raise ValueError(f"resize: input must be 4-D, got {list(x.shape)}")
    if min(x.shape[1:]) == 0:
        raise ValueError(f"resize: empty input {list(x.shape)}")
    if min(resize_output_size(a, x.shape[-2:])) < 1:
        raise ValueError("resize: output size must be positive")


def resize_reference(a, plane):
    """onnx 1.12's interpolate_nd on one (H, W) plane. Its missing tf_half_pixel_for_nn ((x + 0.5)/scale) is its
    asymmetric mode (x/scale) at x + 0.5, through interpolate_nd_with_x."""
    from onnx.backend.test.case.node import resize as ref
    coeffs = {"nearest": lambda r: ref.nearest_coeffs(r, mode=a["nearest_mode"]), "linear": ref.linear_coeffs,
              "cubic": lambda r: ref.cubic_coeffs(r, A=cubic_a(a))}[a["mode"]]
    kw = {"exclude_outside": bool(a.get("exclude_outside", 0))}
    H, W = plane.shape
    out = resize_output_size(a, (H, W))
    if a.get("sizes") is not None:
        scales = np.array(out) / np.array([H, W])
    else:
        scales = np.array([float(np.float32(s)) for s in a["scales"]])
    ctm = a["coordinate_transformation_mode"]
    if ctm == "align_corners":
        # the reference's length_resized is scale*in, not the output length; out/in gives it the spec's length
        scales = np.array(out) / np.array([H, W])
    y = np.zeros(out)
    for i in range(out[0]):
        for j in range(out[1]):
            if ctm == "tf_half_pixel_for_nn":
                y[i, j] = ref.interpolate_nd_with_x(plane, 2, scales, [i + 0.5, j + 0.5], coeffs,
                                                    coordinate_transformation_mode="asymmetric", **kw)
            else:
                y[i, j] = ref.interpolate_nd_with_x(plane, 2, scales, [i, j], coeffs, coordinate_transformation_mode=ctm, **kw)
    return y


def resize_by_spec(a, plane):
    """The ONNX Resize spec's formulas, written out independently of the reference, in float64."""
    H, W = plane.shape
    out = resize_output_size(a, (H, W))
    scl = [o / n for o, n in zip(out, (H, W))] if a.get("sizes") is not None else [float(np.float32(s)) for s in a["scales"]]
    ctm = a["coordinate_transformation_mode"]

    def src(x, n, o, s):
        return {"half_pixel": (x + 0.5) / s - 0.5, "pytorch_half_pixel": (x + 0.5) / s - 0.5 if o > 1 else 0.0,
                "align_corners": 0.0 if o == 1 else x * (n - 1) / (o - 1), "asymmetric": x / s,
                "tf_half_pixel_for_nn": (x + 0.5) / s}[ctm]

    def taps(n, o, s):
        res = []
        for x in range(o):
            p = src(x, n, o, s)
            f = math.floor(p)
            r = p - f
            if a["mode"] == "nearest":
                up = r != 0 and {"round_prefer_floor": r > 0.5, "round_prefer_ceil": r >= 0.5, "floor": False,
                                 "ceil": True}[a["nearest_mode"]]
                res.append([(min(max(f + up, 0), n - 1), 1.0)])
            elif a["mode"] == "cubic":
                # Keys' kernel at the distance of each of the four taps f-1 .. f+2; outside taps weigh 0 with
                # exclude_outside (the rest renormalized), else read the edge element
                idx = [f - 1 + k for k in range(4)]
                wts = [0.0 if a.get("exclude_outside") and not 0 <= i < n else keys(p - i, cubic_a(a)) for i in idx]
                res.append([(min(max(i, 0), n - 1), w / sum(wts)) for i, w in zip(idx, wts)])
            else:
                res.append([(min(max(f, 0), n - 1), 1 - r), (min(max(f + 1, 0), n - 1), r)])
        return res
    rows, cols = taps(H, out[0], scl[0]), taps(W, out[1], scl[1])
    y = np.zeros(out)
    for i, tr in enumerate(rows):
        for j, tc in enumerate(cols):
            y[i, j] = sum(wr * sum(wc * float(plane[r, c]) for c, wc in tc) for r, wr in tr)
    return y


def cubic_a(a):
    return a.get("cubic_coeff_a", -0.75)


def keys(d, A):
    """Keys' cubic convolution kernel W(d) with coefficient A (Keys 1981, eq. 15)."""
    d = abs(d)
    if d <= 1:
        return (A + 2) * d ** 3 - (A + 3) * d ** 2 + 1
    return A * d ** 3 - 5 * A * d ** 2 + 8 * A * d - 4 * A if d < 2 else 0.0


def resize_torch_twin(a, x):
    """The PyTorch interpolation a mode equals, or None."""
    size = resize_output_size(a, x.shape[-2:])
    ctm, mode = a["coordinate_transformation_mode"], a["mode"]
    kw = {"scale_factor": [float(np.float32(s)) for s in a["scales"]]} if a.get("scales") is not None else {"size": size}
    if mode == "nearest" and ctm == "asymmetric" and a["nearest_mode"] == "floor":
        # torch multiplies by a float reciprocal (1/scale, or in/out), ONNX divides: equal only for whole ratios
        # (W=7, scale 0.6: torch's 3*float(1/0.6) rounds to 5.0, ONNX's 3/0.6 is 4.9999998)
        whole = all(o % n == 0 for o, n in zip(size, x.shape[-2:]))
        return F.interpolate(x, mode="nearest", **kw) if whole else None
    if mode in ("linear", "cubic") and ctm == "pytorch_half_pixel" and min(size) == 1:
        return None  # ONNX reads element 0 for an output of length 1; torch's bilinear reads the centre (in/2 - 0.5)
    if mode == "linear" and ctm in ("pytorch_half_pixel", "align_corners"):
        return F.interpolate(x, mode="bilinear", align_corners=ctm == "align_corners", **kw)
    if mode == "cubic" and ctm in ("pytorch_half_pixel", "align_corners") and cubic_a(a) == -0.75 and not a.get("exclude_outside"):
        return F.interpolate(x, mode="bicubic", align_corners=ctm == "align_corners", **kw)
    return None


def run_resize(a, i):
    x = i["input"]
    resize_check(a, x)
    xs = x.numpy().astype(np.float64)
    out = resize_output_size(a, x.shape[-2:])
    y = np.zeros((x.shape[0], x.shape[1], *out))
    for n in range(x.shape[0]):
        for ch in range(x.shape[1]):
            y[n, ch] = resize_reference(a, xs[n, ch])
            spec = resize_by_spec(a, xs[n, ch])
            if not np.allclose(y[n, ch], spec, rtol=1e-12, atol=1e-12, equal_nan=True):
                raise AssertionError(f"onnx reference and the spec's formulas disagree for {a}")
    y = torch.from_numpy(y.astype(np.float32))
    twin = resize_torch_twin(a, x)
    if twin is not None:
        # bound of ToleranceClass.INTERPOLATION: 4*(S + 1)*2^-24*(max|x| + 1); nearest must be equal
        atol = 0 if a["mode"] == "nearest" else 4 * (max(x.shape[-2:]) + 1) * 2 ** -24 * (float(x.abs().max()) + 1)
        if twin.shape != y.shape or float((twin - y).abs().max()) > atol:
            raise AssertionError(f"resize {a} differs from its PyTorch twin")
    return {"output": y}


RUNNERS = {
    "conv2d": run_conv2d,
    "conv_transpose2d": run_conv_transpose2d,
    "max_pool2d": run_max_pool2d,
    "avg_pool2d": run_avg_pool2d,
    "adaptive_avg_pool2d": run_adaptive_avg_pool2d,
    "adaptive_max_pool2d": run_adaptive_max_pool2d,
    "global_avg_pool2d": run_global_avg_pool2d,
    "global_max_pool2d": run_global_max_pool2d,
    "lp_pool2d": run_lp_pool2d,
    "pad": run_pad,
    "batch_norm": run_batch_norm,
    "linear": run_linear,
    **{op: binary_runner(fn) for op, fn in BINARY.items()},
    "matmul": run_matmul,
    "upsample": run_upsample,
    "resize": run_resize,
    **{op: activation_runner(fn) for op, (_, fn) in ACTIVATIONS.items()},
    "prelu": run_prelu,
}
OPS = list(RUNNERS)


# ---------------------------------------------------------------------------------------------
# Recording cases
# ---------------------------------------------------------------------------------------------

def npy_bytes(tensor):
    a = tensor.detach().cpu().contiguous().numpy()
    if a.dtype == np.float32:
        a = a.astype("<f4", copy=False)
    elif a.dtype == np.int64:
        a = a.astype("<i8", copy=False)
    else:
        raise TypeError(f"unsupported dtype {a.dtype}")
    buf = io.BytesIO()
    # not np.ascontiguousarray: it turns a 0-d array into shape (1,)
    np.lib.format.write_array(buf, a if a.flags.c_contiguous else a.copy(order="C"), version=(1, 0), allow_pickle=False)
    return buf.getvalue()


class Suite:
    def __init__(self):
        self.cases = {op: [] for op in OPS}
        self.files = {}  # "<op>/<file>" -> bytes
        self.names = set()

    def case(self, op, name, attrs, inputs, rule=None, tags=(), tolerance=None):
        """Runs torch on (attrs, inputs) and records a valid case, or an error case when `rule`
        is given. torch must agree: an unexpected error or an unexpected success stops the run."""
        if not NAME_RE.match(name) or name in self.names:
            raise ValueError(f"bad or duplicate case name {name!r}")
        self.names.add(name)
        # torch gets clones: batch_norm updates its running stats in place, and the inputs
        # written must be the values before the call.
        clones = {k: (v.clone() if v is not None else None) for k, v in inputs.items()}
        try:
            outputs = RUNNERS[op](attrs, clones)
        except Exception as e:  # noqa: BLE001 - any torch refusal is what an error case records
            if rule is None:
                raise RuntimeError(f"{name}: torch refused a case meant to be valid: {e!r}") from e
            message = str(e).splitlines()[0] if str(e) else type(e).__name__
            result = {"error": {"rule": rule, "torch_message": message}}
        else:
            if rule is not None:
                raise RuntimeError(f"{name}: torch accepted a case meant to fail with {rule}")
            # batch_norm's updated running stats share their names with inputs; keep both files.
            result = {"expected": {k: self._tensor(op, name, "updated_" + k if k in inputs else k, v)
                                   for k, v in outputs.items()}}
        record = {"name": name, "attrs": attrs,
                  "inputs": {k: (self._tensor(op, name, k, v) if v is not None else None) for k, v in inputs.items()},
                  **result}
        if tags:
            record["tags"] = list(tags)
        if tolerance:
            (rtol, atol, reason) = tolerance
            record["tolerance"] = {"rtol": rtol, "atol": atol}
            record["tolerance_reason"] = reason
        self.cases[op].append(record)

    def _tensor(self, op, case, tensor_name, tensor):
        file = f"{case}.{tensor_name}.npy"
        if f"{op}/{file}" in self.files:
            raise ValueError(f"file name clash: {op}/{file}")
        self.files[f"{op}/{file}"] = npy_bytes(tensor)
        return file

    # -- writing -------------------------------------------------------------------------------

    def write(self, root):
        for entry in sorted(os.listdir(root)):  # old op folders go first, so renamed cases don't linger
            path = os.path.join(root, entry)
            if os.path.isdir(path) and os.path.exists(os.path.join(path, "cases.json")):
                shutil.rmtree(path)
        ops = [op for op in OPS if self.cases[op]]
        for op in ops:
            os.makedirs(os.path.join(root, op))
            write_json(os.path.join(root, op, "cases.json"), {"op": op, "cases": self.cases[op]})
        for rel, data in self.files.items():
            with open(os.path.join(root, rel), "wb") as f:
                f.write(data)
        write_json(os.path.join(root, "manifest.json"),
                   {"format_version": FORMAT_VERSION, "torch_version": torch.__version__, "seed": SEED,
                    "generated_by": "generate.py", "ops": ops})


def write_json(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, indent=1, sort_keys=True, allow_nan=False)
        f.write("\n")


# ---------------------------------------------------------------------------------------------
# conv2d
# ---------------------------------------------------------------------------------------------

def conv2d_attrs(stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros", pads=None, auto_pad=None):
    a = {"stride": pair(stride), "dilation": pair(dilation), "groups": groups, "padding_mode": padding_mode}
    if pads is not None:
        a["pads"] = list(pads)
    elif auto_pad is not None:
        a["auto_pad"] = auto_pad
    else:
        a["padding"] = pair(padding)
    return a


def bias_for(R, bias, c_out):
    """bias: True (random, C_out long), None/False (absent), a shape tuple or a tensor."""
    if bias is True:
        return R.randn(c_out)
    if bias is None or bias is False:
        return None
    return R.data(bias)


def conv2d_case(s, name, x, w, bias=True, rule=None, tags=(), **attrs):
    name = "conv2d_" + name
    R = Rand(name)
    x, w = R.data(x), R.data(w)
    inputs = {"input": x, "weight": w, "bias": bias_for(R, bias, w.shape[0] if w.dim() else 0)}
    s.case("conv2d", name, conv2d_attrs(**attrs), inputs, rule=rule, tags=tags)


def gen_conv2d(s):
    c = functools.partial(conv2d_case, s)
    # Basics and optional inputs.
    c("basic_3x3", (1, 3, 7, 7), (4, 3, 3, 3))
    c("no_bias", (1, 3, 7, 7), (4, 3, 3, 3), bias=None, tags=["no_bias"])
    c("unbatched_3d", (3, 6, 5), (4, 3, 3, 3), tags=["unbatched"])
    c("unbatched_3d_no_bias", (3, 6, 5), (4, 3, 3, 3), bias=None, padding=1, tags=["unbatched", "no_bias"])
    c("zero_batch", (0, 3, 7, 7), (4, 3, 3, 3), padding=1, tags=["zero_batch"])
    c("batch_3", (3, 2, 6, 6), (3, 2, 3, 3), padding=1)
    c("pointwise_1x1", (2, 5, 4, 4), (3, 5, 1, 1))
    c("rect_kernel_1x5", (1, 2, 6, 9), (3, 2, 1, 5), padding=(0, 2))
    c("rect_kernel_5x1", (1, 2, 9, 6), (3, 2, 5, 1), stride=(2, 1))
    c("kernel_equals_input", (1, 2, 4, 5), (3, 2, 4, 5))
    # Stride, padding, dilation.
    c("stride_2", (1, 3, 9, 9), (4, 3, 3, 3), stride=2)
    c("stride_3_uneven", (1, 3, 10, 8), (4, 3, 3, 3), stride=3)
    c("stride_2x1", (1, 3, 8, 7), (2, 3, 3, 3), stride=(2, 1), padding=1)
    c("padding_1", (1, 3, 6, 6), (4, 3, 3, 3), padding=1)
    c("padding_2x1", (1, 3, 6, 6), (4, 3, 3, 3), padding=(2, 1))
    c("padding_larger_than_kernel_half", (1, 2, 4, 4), (2, 2, 3, 3), padding=3, tags=["padding"])
    c("dilation_2", (1, 3, 9, 9), (4, 3, 3, 3), dilation=2)
    c("dilation_2x3_padding", (1, 2, 9, 10), (3, 2, 3, 3), dilation=(2, 3), padding=(2, 3))
    c("dilation_stride_padding", (2, 2, 11, 11), (3, 2, 3, 3), dilation=2, stride=2, padding=1)
    c("kernel_larger_than_input_fits_with_padding", (1, 2, 2, 2), (3, 2, 3, 3), padding=1, tags=["corner"])
    c("kernel_larger_than_1x1_input", (1, 2, 1, 1), (3, 2, 3, 3), padding=1, tags=["corner"])
    c("pair_length_1_lists", (1, 3, 8, 8), (2, 3, 3, 3), stride=[2], padding=[1], dilation=[1],
      tags=["pair_broadcast"])
    # Groups.
    c("groups_2", (1, 4, 6, 6), (6, 2, 3, 3), groups=2)
    c("groups_3", (1, 6, 6, 6), (6, 2, 3, 3), groups=3, padding=1)
    c("groups_4", (2, 8, 5, 5), (8, 2, 3, 3), groups=4, bias=None)
    c("groups_3_wide_out", (1, 3, 5, 5), (9, 1, 3, 3), groups=3, stride=2)
    c("depthwise", (1, 4, 6, 6), (4, 1, 3, 3), groups=4, padding=1, tags=["depthwise"])
    c("depthwise_multiplier_2", (1, 4, 6, 6), (8, 1, 3, 3), groups=4, padding=1, tags=["depthwise"])
    c("depthwise_multiplier_3_dilated", (1, 3, 7, 7), (9, 1, 3, 3), groups=3, dilation=2, tags=["depthwise"])
    # String padding.
    c("valid", (1, 3, 6, 7), (4, 3, 3, 3), padding="valid")
    c("same_3x3", (1, 3, 6, 7), (4, 3, 3, 3), padding="same", tags=["same"])
    c("same_5x5_dil2", (1, 2, 6, 6), (2, 2, 5, 5), padding="same", dilation=2, tags=["same", "dilation"])
    c("same_even_kernel_2", (1, 2, 5, 5), (3, 2, 2, 2), padding="same", tags=["same", "even_kernel"])
    c("same_even_kernel_dil3", (1, 2, 7, 7), (3, 2, 2, 2), padding="same", dilation=3,
      tags=["same", "even_kernel", "dilation"])
    c("same_kernel_2x4", (1, 2, 5, 6), (2, 2, 2, 4), padding="same", tags=["same", "even_kernel"])
    c("same_unbatched", (2, 5, 5), (3, 2, 3, 3), padding="same", tags=["same", "unbatched"])
    # padding_mode (nn.Conv2d: F.pad then conv with padding 0).
    for mode in ("reflect", "replicate", "circular"):
        c(f"{mode}_pad_1", (1, 2, 5, 6), (3, 2, 3, 3), padding=1, padding_mode=mode, tags=[mode])
        c(f"{mode}_pad_2x1_stride_2", (2, 2, 6, 5), (3, 2, 3, 3), padding=(2, 1), stride=2, padding_mode=mode,
          tags=[mode])
        c(f"{mode}_same_even_kernel", (1, 2, 5, 5), (2, 2, 4, 4), padding="same", padding_mode=mode,
          bias=None, tags=[mode, "same", "even_kernel"])
        c(f"{mode}_dilation_2", (1, 2, 6, 6), (2, 2, 3, 3), padding=2, dilation=2, padding_mode=mode, tags=[mode])
        c(f"{mode}_zero_batch", (0, 2, 4, 4), (2, 2, 3, 3), padding=1, padding_mode=mode,
          tags=[mode, "zero_batch"])
        c(f"{mode}_groups_2", (1, 4, 5, 5), (4, 2, 3, 3), padding=1, groups=2, padding_mode=mode, tags=[mode])
    c("reflect_unbatched", (2, 5, 5), (3, 2, 3, 3), padding=1, padding_mode="reflect", tags=["reflect", "unbatched"])
    c("replicate_unbatched", (2, 5, 5), (3, 2, 3, 3), padding=2, padding_mode="replicate",
      tags=["replicate", "unbatched"])
    c("reflect_largest_legal_pad", (1, 2, 3, 4), (2, 2, 3, 3), padding=(2, 3), padding_mode="reflect",
      tags=["reflect", "corner"])
    c("circular_pad_equal_to_size", (1, 2, 3, 4), (2, 2, 3, 3), padding=(3, 4), padding_mode="circular",
      tags=["circular", "corner"])
    c("replicate_pad_larger_than_input", (1, 1, 3, 3), (2, 1, 3, 3), padding=5, padding_mode="replicate",
      tags=["replicate", "corner"])
    # ONNX extension: asymmetric pads and auto_pad (computed by torch as F.pad + conv2d).
    c("onnx_pads_asymmetric", (1, 2, 6, 6), (3, 2, 3, 3), pads=[0, 1, 2, 0], tags=["onnx", "pads"])
    c("onnx_pads_asymmetric_stride_2", (1, 2, 7, 6), (3, 2, 3, 3), pads=[1, 0, 0, 2], stride=2, tags=["onnx", "pads"])
    c("onnx_pads_unbatched", (2, 5, 5), (2, 2, 2, 2), pads=[1, 0, 0, 1], tags=["onnx", "pads", "unbatched"])
    c("onnx_same_upper_k2", (1, 2, 5, 5), (3, 2, 2, 2), auto_pad="SAME_UPPER", tags=["onnx", "auto_pad"])
    c("onnx_same_lower_k2", (1, 2, 5, 5), (3, 2, 2, 2), auto_pad="SAME_LOWER", tags=["onnx", "auto_pad"])
    c("onnx_same_upper_stride_2", (1, 2, 7, 8), (3, 2, 3, 3), auto_pad="SAME_UPPER", stride=2,
      tags=["onnx", "auto_pad"])
    c("onnx_same_lower_stride_2_k4", (1, 2, 7, 8), (3, 2, 4, 4), auto_pad="SAME_LOWER", stride=2,
      tags=["onnx", "auto_pad"])
    c("onnx_same_lower_stride_3_dil2", (1, 2, 8, 9), (2, 2, 3, 2), auto_pad="SAME_LOWER", stride=(3, 2),
      dilation=2, tags=["onnx", "auto_pad"])
    c("onnx_same_upper_total_zero", (1, 2, 5, 5), (2, 2, 1, 1), auto_pad="SAME_UPPER", stride=3,
      tags=["onnx", "auto_pad", "corner"])
    # Worked examples with exactly representable data.
    dark_bright = t([0, 0, 10, 10, 10] * 5, 1, 1, 5, 5)
    c("example_vertical_edge_5x5", dark_bright, t([1, 0, -1] * 3, 1, 1, 3, 3), bias=None, tags=["example"])
    ramp = (arange(1, 1, 7, 7, start=0) % 7) * 2 + torch.arange(7.).reshape(1, 1, 7, 1)  # 2*col + row
    sobel_x = t([-1, 0, 1, -2, 0, 2, -1, 0, 1], 1, 1, 3, 3)
    for stride in (1, 2, 3):
        c(f"example_sobel_x_gradient_stride_{stride}", ramp, sobel_x, bias=None, stride=stride, padding=1,
          tags=["example"])
    c("example_small_integers_bias", arange(1, 2, 4, 4), t([1, -1, 0, 2, 1, 1, -2, 0] * 2, 2, 2, 2, 2),
      bias=t([0.5, -1.0]), tags=["example"])
    # Larger reductions, K = C * kh * kw up to ~1000.
    c("large_k_576", (1, 64, 8, 8), (8, 64, 3, 3), padding=1, tags=["large_k"])
    c("large_k_784_7x7", (1, 16, 10, 10), (4, 16, 7, 7), padding=3, stride=2, tags=["large_k"])
    c("large_k_1008", (1, 112, 6, 6), (4, 112, 3, 3), tags=["large_k"])
    c("large_k_1000_groups_2", (1, 80, 7, 7), (4, 40, 5, 5), groups=2, padding=2, tags=["large_k"])

    # Error cases: one or more per rule.
    x, w = (1, 4, 7, 7), (6, 4, 3, 3)
    e = lambda name, rule, x=x, w=w, **k: c("err_" + name, x, w, rule=rule, **k)  # noqa: E731
    e("stride_length_3", "pair_length", stride=[1, 1, 1])
    e("padding_length_3", "pair_length", padding=[0, 0, 0])
    e("dilation_length_3", "pair_length", dilation=[1, 1, 1])
    e("input_rank_5", "input_rank", x=(1, 1, 4, 7, 7))
    e("input_rank_2", "input_rank", x=(7, 7))
    e("stride_zero", "stride_positive", stride=0)
    e("stride_negative", "stride_positive", stride=(1, -1))
    e("padding_negative", "padding_non_negative", padding=(0, -1))
    e("dilation_zero", "dilation_positive", dilation=0)
    e("dilation_zero_width", "dilation_positive", dilation=(1, 0))
    e("groups_zero", "groups_positive", groups=0)
    e("groups_negative", "groups_positive", groups=-1)
    e("kernel_height_zero", "kernel_size_positive", w=(6, 4, 0, 3))
    e("padding_string_unknown", "padding_string", padding="foo")
    e("padding_string_case_sensitive", "padding_string", padding="SAME")
    e("same_with_stride_2", "same_needs_stride_1", padding="same", stride=2)
    e("same_with_stride_1x2", "same_needs_stride_1", padding="same", stride=(1, 2))
    e("padding_mode_unknown", "padding_mode", padding=1, padding_mode="foo")
    e("weight_rank_2", "weight_rank", w=(6, 4))
    e("weight_rank_3", "weight_rank", w=(6, 4, 3))
    e("weight_rank_5", "weight_rank", w=(6, 4, 3, 3, 1))
    e("out_channels_not_divisible_by_groups", "weight_out_channels", w=(6, 1, 3, 3), groups=4)
    e("out_channels_less_than_groups", "weight_out_channels", w=(2, 1, 3, 3), groups=4)
    e("out_channels_zero", "weight_out_channels", w=(0, 4, 3, 3), bias=None)
    e("input_channels_mismatch", "input_channels", x=(1, 3, 7, 7))
    e("groups_not_dividing_input_channels", "input_channels", w=(6, 2, 3, 3), groups=3)
    e("bias_length", "bias_shape", bias=(5,))
    e("bias_rank_2", "bias_shape", bias=(6, 1))
    e("kernel_larger_than_input", "kernel_too_large", x=(1, 4, 2, 2))
    e("dilated_kernel_larger_than_input", "kernel_too_large", dilation=3, x=(1, 4, 5, 5))
    e("zero_height_input", "empty_input", x=(1, 2, 0, 3), w=(1, 2, 1, 1), padding=1)
    e("reflect_pad_equal_to_width", "reflect_pad_too_large", x=(1, 4, 7, 7), padding=7, padding_mode="reflect")
    e("reflect_pad_equal_to_height", "reflect_pad_too_large", x=(1, 4, 3, 5), w=(6, 4, 3, 3), padding=(3, 0),
      padding_mode="reflect")
    e("circular_pad_larger_than_width", "circular_pad_too_large", padding=8, padding_mode="circular")

    # Seeded random sweep of valid configurations.
    rng = random.Random(SEED * 100 + 1)
    for n in range(30):
        while True:
            cfg = draw_conv2d(rng)
            if cfg:
                break
        (xs, ws, bias, attrs) = cfg
        c(f"sweep_{n:02d}", xs, ws, bias=bias, tags=["sweep"], **attrs)


def conv2d_pads(hw, khw, attrs):
    """[top, left, bottom, right] that torch will apply for these attrs."""
    stride, dil = pair(attrs.get("stride", 1)), pair(attrs.get("dilation", 1))
    if "pads" in attrs:
        return list(attrs["pads"])
    if "auto_pad" in attrs:
        return onnx_auto_pads(hw, khw, stride, dil, attrs["auto_pad"])
    p = attrs.get("padding", 0)
    if p == "valid":
        return [0, 0, 0, 0]
    if p == "same":
        totals = [d * (k - 1) for k, d in zip(khw, dil)]
        return [tt // 2 for tt in totals] + [tt - tt // 2 for tt in totals]
    p = pair(p)
    return p + p


def draw_conv2d(rng):
    """One random conv2d configuration, or None when the draw is illegal (the caller redraws)."""
    groups = rng.choice([1, 1, 1, 2, 3, 4])
    cg, og = rng.randint(1, 4), rng.randint(1, 3)
    kh, kw = rng.randint(1, 5), rng.randint(1, 5)
    attrs = {"stride": [rng.randint(1, 3), rng.randint(1, 3)],
             "dilation": [rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 2])],
             "groups": groups,
             "padding_mode": rng.choice(["zeros", "zeros", "zeros", "reflect", "replicate", "circular"])}
    kind = rng.choice(["explicit"] * 4 + ["same", "valid"] + (["pads", "auto_pad"] if attrs["padding_mode"] == "zeros" else []))
    if kind == "explicit":
        attrs["padding"] = [rng.randint(0, 3), rng.randint(0, 3)]
    elif kind in ("same", "valid"):
        attrs["padding"] = kind
        if kind == "same":
            attrs["stride"] = [1, 1]
    elif kind == "pads":
        attrs["pads"] = [rng.randint(0, 3) for _ in range(4)]
    else:
        attrs["auto_pad"] = rng.choice(["SAME_UPPER", "SAME_LOWER"])
    batch = rng.choice([1, 1, 2, None]) if attrs["padding_mode"] != "circular" else rng.choice([1, 2])
    H, W = rng.randint(1, 12), rng.randint(1, 12)
    top, left, bottom, right = conv2d_pads((H, W), (kh, kw), attrs)
    for size, k, d, lo, hi in ((H, kh, attrs["dilation"][0], top, bottom), (W, kw, attrs["dilation"][1], left, right)):
        if size + lo + hi < d * (k - 1) + 1:
            return None
        if attrs["padding_mode"] == "reflect" and max(lo, hi) >= size:
            return None
        if attrs["padding_mode"] == "circular" and max(lo, hi) > size:
            return None
    cin = cg * groups
    xs = (cin, H, W) if batch is None else (batch, cin, H, W)
    if math.prod(xs) > 3000:
        return None
    return xs, (og * groups, cg, kh, kw), rng.random() < 0.7, attrs


# ---------------------------------------------------------------------------------------------
# conv_transpose2d
# ---------------------------------------------------------------------------------------------

def conv_transpose2d_case(s, name, x, w, bias=True, rule=None, tags=(), stride=1, padding=0, output_padding=0,
                          groups=1, dilation=1):
    name = "conv_transpose2d_" + name
    R = Rand(name)
    x, w = R.data(x), R.data(w)
    c_out = w.shape[1] * max(groups, 1) if w.dim() >= 2 else 1
    attrs = {"stride": pair(stride), "padding": pair(padding), "output_padding": pair(output_padding),
             "groups": groups, "dilation": pair(dilation)}
    s.case("conv_transpose2d", name, attrs, {"input": x, "weight": w, "bias": bias_for(R, bias, c_out)},
           rule=rule, tags=tags)


def gen_conv_transpose2d(s):
    c = functools.partial(conv_transpose2d_case, s)
    c("basic_3x3", (1, 4, 5, 5), (4, 6, 3, 3))
    c("no_bias", (1, 4, 5, 5), (4, 6, 3, 3), bias=None, tags=["no_bias"])
    c("unbatched_3d", (4, 5, 4), (4, 3, 3, 3), stride=2, tags=["unbatched"])
    c("zero_batch", (0, 4, 5, 5), (4, 3, 3, 3), stride=2, tags=["zero_batch"])
    c("batch_2", (2, 3, 4, 4), (3, 2, 3, 3), padding=1)
    c("kernel_1x1", (1, 3, 4, 4), (3, 2, 1, 1))
    c("kernel_1x1_stride_2", (1, 3, 4, 4), (3, 2, 1, 1), stride=2, tags=["holes"])
    c("stride_2", (1, 3, 5, 5), (3, 2, 3, 3), stride=2)
    c("stride_2x3", (1, 3, 4, 5), (3, 2, 3, 2), stride=(2, 3))
    c("padding_1", (1, 3, 5, 5), (3, 2, 3, 3), padding=1)
    c("padding_1x2", (1, 3, 5, 5), (3, 2, 3, 5), padding=(1, 2))
    c("padding_trims_to_1x1", (1, 2, 3, 3), (2, 2, 3, 3), padding=2, tags=["corner"])
    c("output_padding_1_stride_2", (1, 3, 4, 4), (3, 2, 3, 3), stride=2, padding=1, output_padding=1)
    c("output_padding_1x0", (1, 3, 4, 4), (3, 2, 3, 3), stride=2, output_padding=(1, 0))
    c("output_padding_2_stride_3", (1, 2, 3, 3), (2, 2, 3, 3), stride=3, output_padding=2)
    c("output_padding_with_dilation_stride_1", (1, 2, 4, 4), (2, 2, 3, 3), dilation=2, output_padding=1,
      tags=["corner"])
    c("output_padding_receives_contributions", (1, 2, 3, 3), (2, 2, 4, 4), stride=2, padding=2, output_padding=1,
      tags=["corner"])
    c("dilation_2", (1, 3, 4, 4), (3, 2, 3, 3), dilation=2)
    c("dilation_2x1_stride_2", (1, 3, 4, 5), (3, 2, 3, 3), dilation=(2, 1), stride=2, padding=1)
    c("groups_2", (1, 4, 4, 4), (4, 3, 3, 3), groups=2)
    c("groups_3", (1, 6, 4, 4), (6, 1, 3, 3), groups=3, stride=2)
    c("groups_4", (2, 8, 3, 3), (8, 2, 2, 2), groups=4, stride=2, bias=None)
    c("depthwise", (1, 4, 5, 5), (4, 1, 3, 3), groups=4, padding=1, tags=["depthwise"])
    c("depthwise_multiplier_2", (1, 4, 5, 5), (4, 2, 3, 3), groups=4, stride=2, padding=1, tags=["depthwise"])
    c("rect_kernel_2x4", (1, 2, 4, 4), (2, 3, 2, 4), stride=(2, 1))
    c("pair_length_1_lists", (1, 2, 4, 4), (2, 3, 3, 3), stride=[2], padding=[1], output_padding=[1], dilation=[1],
      tags=["pair_broadcast"])
    c("example_upsample_k4_s2_p1_14x14", (1, 16, 14, 14), (16, 8, 4, 4), stride=2, padding=1,
      tags=["example"])
    c("example_small_integers", arange(1, 1, 2, 2), t([1, 2, 3, 4], 1, 1, 2, 2), bias=None, stride=2,
      tags=["example"])
    c("large_c_in_64", (1, 64, 6, 6), (64, 8, 3, 3), stride=2, padding=1, tags=["large_k"])

    x, w = (1, 4, 5, 5), (4, 6, 3, 3)
    e = lambda name, rule, x=x, w=w, **k: c("err_" + name, x, w, rule=rule, **k)  # noqa: E731
    e("stride_length_3", "pair_length", stride=[1, 1, 1])
    e("padding_length_3", "pair_length", padding=[0, 0, 0])
    e("output_padding_length_3", "pair_length", output_padding=[0, 0, 0])
    e("dilation_length_3", "pair_length", dilation=[1, 1, 1])
    e("input_rank_5", "input_rank", x=(1, 4, 5, 5, 1))
    e("input_rank_2", "input_rank", x=(5, 5))
    e("stride_zero", "stride_positive", stride=0)
    e("padding_negative", "padding_non_negative", padding=-1)
    e("dilation_zero", "dilation_positive", dilation=0)
    e("groups_zero", "groups_positive", groups=0)
    e("weight_rank_2", "weight_rank", w=(4, 6))
    e("weight_rank_3", "weight_rank", w=(4, 6, 3))
    e("input_channels_mismatch", "input_channels", x=(1, 3, 5, 5))
    e("input_channels_not_divisible_by_groups", "weight_in_channels", w=(4, 3, 3, 3), groups=3)
    e("bias_length", "bias_shape", bias=(4,))
    e("output_padding_negative", "output_padding_non_negative", stride=2, output_padding=-1)
    e("output_padding_equal_to_stride", "output_padding_too_large", stride=2, output_padding=2)
    e("output_padding_too_large_width_only", "output_padding_too_large", stride=(2, 1), output_padding=(1, 1))
    e("output_size_zero", "output_size_too_small", x=(1, 4, 4, 4), padding=3)
    # Not in the conv_transpose2d row of RULES.md, but torch 1.13 does refuse these:
    e("kernel_height_zero", "kernel_size_positive", w=(4, 6, 0, 3))
    e("zero_height_input", "empty_input", x=(1, 4, 0, 5))

    rng = random.Random(SEED * 100 + 2)
    for n in range(30):
        while True:
            cfg = draw_conv_transpose2d(rng)
            if cfg:
                break
        xs, ws, bias, attrs = cfg
        c(f"sweep_{n:02d}", xs, ws, bias=bias, tags=["sweep"], **attrs)


def draw_conv_transpose2d(rng):
    groups = rng.choice([1, 1, 1, 2, 3, 4])
    cg, og = rng.randint(1, 4), rng.randint(1, 3)
    k = [rng.randint(1, 4), rng.randint(1, 4)]
    stride = [rng.randint(1, 3), rng.randint(1, 3)]
    dilation = [rng.choice([1, 1, 2]), rng.choice([1, 1, 2])]
    padding = [rng.randint(0, 2), rng.randint(0, 2)]
    output_padding = [rng.randint(0, max(s, d) - 1) for s, d in zip(stride, dilation)]
    batch = rng.choice([1, 1, 2, None])
    H, W = rng.randint(1, 8), rng.randint(1, 8)
    for n, kk, s, p, d, op in zip((H, W), k, stride, padding, dilation, output_padding):
        if (n - 1) * s - 2 * p + d * (kk - 1) + op + 1 < 1:
            return None
    cin = cg * groups
    xs = (cin, H, W) if batch is None else (batch, cin, H, W)
    attrs = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups, dilation=dilation)
    return xs, (cin, og, *k), rng.random() < 0.7, attrs


# ---------------------------------------------------------------------------------------------
# Pools: max, avg, lp (windowed), adaptive and global
# ---------------------------------------------------------------------------------------------

def max_pool2d_attrs(kernel_size, stride="same_as_kernel", padding=0, dilation=1, ceil_mode=False):
    return {"kernel_size": pair(kernel_size), "stride": pair(kernel_size if stride == "same_as_kernel" else stride),
            "padding": pair(padding), "dilation": pair(dilation), "ceil_mode": ceil_mode}


def avg_pool2d_attrs(kernel_size, stride="same_as_kernel", padding=0, ceil_mode=False, count_include_pad=True,
                     divisor_override=None):
    return {"kernel_size": pair(kernel_size), "stride": pair(kernel_size if stride == "same_as_kernel" else stride),
            "padding": pair(padding), "ceil_mode": ceil_mode, "count_include_pad": count_include_pad,
            "divisor_override": divisor_override}


def lp_pool2d_attrs(norm_type, kernel_size, stride="same_as_kernel", ceil_mode=False, padding=None, abs_input=None):
    a = {"norm_type": float(norm_type), "kernel_size": pair(kernel_size),
         "stride": pair(kernel_size if stride == "same_as_kernel" else stride), "ceil_mode": ceil_mode}
    if padding is not None:  # opsgi's extension (F.lp_pool2d has none): symmetric, or ONNX's four-sided
        a["padding"] = pair(padding)
    if abs_input is not None:  # ONNX LpPool's sum of |x|^p
        a["abs_input"] = abs_input
    return a


def draw_onnx_pool(rng, with_dilation):
    """Random legal ONNX-form (input shape, k, s, pads, d, ceil): pads up to k-1 (ONNX Runtime's limit)."""
    k = [rng.randint(1, 4), rng.randint(1, 4)]
    st = [rng.randint(1, 3), rng.randint(1, 3)]
    pads = [rng.randint(0, k[0] - 1), rng.randint(0, k[1] - 1), rng.randint(0, k[0] - 1), rng.randint(0, k[1] - 1)]
    d = [rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 2])] if with_dilation else [1, 1]
    ceil = rng.random() < 0.5
    H, W = rng.randint(1, 12), rng.randint(1, 12)
    for n, kk, ss, pb, pe, dd in ((H, k[0], st[0], pads[0], pads[2], d[0]), (W, k[1], st[1], pads[1], pads[3], d[1])):
        if onnx_pool_out(n, kk, ss, pb, pe, dd, ceil) < 1:
            return None
    batch = rng.choice([1, 2, None])
    C = rng.randint(1, 3)
    return ((C, H, W) if batch is None else (batch, C, H, W)), k, st, pads, d, ceil


def single_input_case(s, op, attrs_fn):
    """Case helper for ops whose only input is `input`: c(name, x, *attr_args, rule=, tags=, **attr_kwargs)."""
    def c(name, x, *args, rule=None, tags=(), **kwargs):
        full = f"{op}_{name}"
        s.case(op, full, attrs_fn(*args, **kwargs), {"input": Rand(full).data(x)}, rule=rule, tags=tags)
    return c


def max_pool_has_empty_window(size, k, s, p, d, out):
    return any(not any(0 <= o * s - p + i * d < size for i in range(k)) for o in range(out))


def draw_window_pool(rng, with_dilation):
    """Random legal (input shape, k, s, p, d, ceil) for max/avg pooling, or None."""
    k = [rng.randint(1, 4), rng.randint(1, 4)]
    stride = rng.choice([None, [rng.randint(1, 3), rng.randint(1, 3)]])
    s = stride or k
    p = [rng.randint(0, kk // 2) for kk in k]
    d = [rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 2])] if with_dilation else [1, 1]
    ceil = rng.random() < 0.5
    batch = rng.choice([1, 2, None])
    H, W = rng.randint(1, 12), rng.randint(1, 12)
    for n, kk, ss, pp, dd in zip((H, W), k, s, p, d):
        out = pool_out(n, kk, ss, pp, dd, ceil)
        if out < 1 or max_pool_has_empty_window(n, kk, ss, pp, dd, out):
            return None
    C = rng.randint(1, 3)
    xs = (C, H, W) if batch is None else (batch, C, H, W)
    return xs, k, stride, p, d, ceil


def sweep(rng, count, draw):
    for n in range(count):
        while True:
            cfg = draw(rng)
            if cfg:
                yield n, cfg
                break


def gen_max_pool2d(s):
    c = single_input_case(s, "max_pool2d", max_pool2d_attrs)
    c("basic_2x2", (1, 2, 6, 6), 2)
    c("stride_null_means_kernel", (1, 2, 7, 7), 3, None, tags=["stride_null"])
    c("stride_null_unbatched", (2, 6, 5), 2, None, 1, tags=["stride_null", "unbatched"])
    c("overlapping_k3_s1", (1, 2, 6, 5), 3, 1)
    c("padding_1_k3_s2", (2, 2, 7, 7), 3, 2, 1)
    c("rect_kernel_3x2_padding_1x0", (1, 2, 7, 6), (3, 2), (2, 1), (1, 0))
    c("dilation_2", (1, 2, 8, 8), 3, 1, 0, 2)
    c("dilation_2x1_padding", (1, 1, 9, 8), 3, 2, 1, (2, 1))
    c("dilation_3_ceil", (1, 1, 10, 10), 2, 2, 1, 3, True)
    c("unbatched_3d", (3, 6, 6), 2, tags=["unbatched"])
    c("zero_batch", (0, 2, 6, 6), 2, tags=["zero_batch"])
    c("kernel_equals_input", (1, 2, 5, 4), (5, 4))
    c("kernel_1x1_stride_2", (1, 2, 5, 5), 1, 2)
    c("pair_length_1_lists", (1, 2, 6, 6), [2], [2], [1], [1], tags=["pair_broadcast"])
    c("ceil_h5_k3_s3_p1", (1, 1, 5, 5), 3, 3, 1, 1, True, tags=["ceil_mode", "corner"])
    c("ceil_h3_k2_s2_p1", (1, 1, 3, 3), 2, 2, 1, 1, True, tags=["ceil_mode", "corner"])
    c("ceil_h1_k2_s2_p1", (1, 1, 1, 1), 2, 2, 1, 1, True, tags=["ceil_mode", "corner"])
    c("ceil_partial_last_window", (1, 2, 5, 7), 2, 2, 0, 1, True, tags=["ceil_mode"])
    c("ceil_mode_false_same_shape", (1, 2, 5, 7), 2, 2, 0, 1, False)
    nan_img = arange(1, 1, 4, 4)
    nan_img[0, 0, 0, 1] = NAN
    nan_img[0, 0, 1, 0] = NAN
    nan_img[0, 0, 3, 3] = NAN
    c("nan_last_nan_index_wins", nan_img, 2, tags=["nan", "corner"])
    c("nan_overlapping_windows", nan_img, 2, 1, tags=["nan", "corner"])
    c("ties_first_index_wins", Rand("max_pool2d_ties").ints(0, 1, 1, 2, 6, 6), 3, 1, 1, tags=["ties", "corner"])
    c("ties_constant_image", torch.full((1, 1, 4, 4), 2.5), 2, 2, 1, tags=["ties", "corner"])
    c("negative_zero_first_kept", t([-0.0, 0.0, 0.0, -0.0, 0.0, -0.0, -0.0, 0.0], 1, 1, 2, 4), 2,
      tags=["ties", "corner"])
    c("all_neg_inf_windows", torch.full((1, 1, 4, 4), -INF), 2, 2, 1, tags=["inf", "corner"])
    c("inf_values", t([INF, 1, -INF, 2, 3, -INF, 0, INF, -1], 1, 1, 3, 3), 2, 1, tags=["inf"])
    c("padding_never_selected_all_negative", -Rand("mp_neg").uniform(1, 5, 1, 2, 5, 5), 3, 2, 1,
      tags=["padding", "corner"])
    c("example_4x4_2x2", t([1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 3, 0, 1, 8, 4, 5], 1, 1, 4, 4), 2, tags=["example"])
    c("larger_random", (2, 3, 16, 16), 3, 2, 1)

    x = (1, 1, 5, 5)
    e = lambda name, rule, *a, x=x, **k: c("err_" + name, x, *a, rule=rule, **k)  # noqa: E731
    e("kernel_size_length_3", "pair_length", (2, 2, 2), 2)
    e("stride_length_3", "pair_length", 2, (2, 2, 2))
    e("padding_length_3", "pair_length", 2, 2, (0, 0, 0))
    e("dilation_length_3", "pair_length", 2, 2, 0, (1, 1, 1))
    e("input_rank_2", "input_rank", 2, x=(5, 5))
    e("input_rank_5", "input_rank", 2, x=(1, 1, 1, 5, 5))
    e("stride_zero", "stride_positive", 2, 0)
    e("stride_negative", "stride_positive", 2, -1)
    e("padding_negative", "padding_non_negative", 2, 2, -1)
    e("dilation_zero", "dilation_positive", 2, 2, 0, 0)
    e("kernel_zero", "kernel_size_positive", 0, 1)
    e("zero_channels", "empty_input", 2, x=(1, 0, 5, 5))
    e("zero_height", "empty_input", 2, x=(1, 1, 0, 5))
    e("output_size_zero", "output_size_too_small", 6)
    e("padding_more_than_half_kernel", "padding_at_most_half_kernel", 2, 2, 2)
    e("padding_more_than_half_kernel_3", "padding_at_most_half_kernel", 3, 1, 2)

    for n, (xs, k, stride, p, d, ceil) in sweep(random.Random(SEED * 100 + 3), 15, lambda r: draw_window_pool(r, True)):
        c(f"sweep_{n:02d}", xs, k, stride, p, d, ceil, tags=["sweep"])

    # ONNX's four-sided form: padding=[top, left, bottom, right], ONNX Runtime 1.29's rules.
    o = lambda name, *a, **k: c("onnx_" + name, *a, tags=["onnx"] + k.pop("tags", []), **k)  # noqa: E731
    o("pads_asymmetric", (1, 2, 6, 7), 3, 2, [1, 0, 2, 1])
    o("pads_over_half_kernel", (1, 1, 4, 5), 3, (1, 2), [2, 2, 0, 1], tags=["pads_over_half"])
    o("pads_end_only_k2", (2, 1, 5, 5), 2, 2, [0, 0, 1, 1])
    o("ceil_last_window_in_end_padding_dropped", (1, 1, 4, 4), 2, 2, [0, 0, 1, 1], 1, True, tags=["ceil_mode", "corner"])
    o("ceil_start_in_pad_dropped_k3_s3", (1, 1, 4, 4), 3, 3, [2, 2, 2, 2], 1, True, tags=["ceil_mode", "corner"])
    o("ceil_kept_no_pads", (1, 1, 5, 5), 2, 2, [0, 0, 0, 0], 1, True, tags=["ceil_mode"])
    o("dilation_asymmetric", (1, 2, 7, 6), (3, 2), (2, 1), [2, 0, 1, 1], (2, 3), tags=["dilation"])
    o("dilation_ceil_asymmetric", (2, 1, 6, 7), 3, (2, 3), [2, 1, 0, 2], (1, 2), True, tags=["dilation", "ceil_mode"])
    o("dilation_window_all_padding", (1, 1, 2, 2), 2, 1, [1, 1, 1, 1], 3, tags=["dilation", "empty_window", "corner"])
    o("dilation_window_all_padding_ceil", (1, 1, 1, 1), 2, 2, [1, 1, 1, 1], 3, True, tags=["dilation", "empty_window", "corner"])
    o("padding_never_selected_all_negative", -Rand("mp_onnx_neg").uniform(1, 5, 1, 2, 5, 5), 3, 2, [2, 1, 2, 0],
      tags=["padding", "corner"])
    o("nan_last_nan_index_wins", nan_img, 2, 1, [1, 0, 0, 1], tags=["nan", "corner"])
    o("unbatched", (2, 5, 6), 2, 1, [1, 1, 0, 0], tags=["unbatched"])
    o("zero_batch", (0, 2, 5, 5), 2, 2, [1, 1, 1, 1], tags=["zero_batch"])
    o("symmetric_pads_as_pytorch", (1, 2, 7, 7), 3, 2, [1, 1, 1, 1])
    e("onnx_pad_equals_kernel", "padding_below_kernel", 2, 1, [2, 0, 0, 0])
    e("onnx_end_pad_equals_kernel", "padding_below_kernel", (3, 2), 1, [0, 0, 0, 2])
    e("onnx_pad_negative", "padding_non_negative", 3, 1, [0, -1, 0, 0])
    e("onnx_stride_zero", "stride_positive", 2, 0, [1, 1, 1, 1])
    e("onnx_output_size_zero", "output_size_too_small", 6, 1, [0, 0, 0, 0])
    for n, (xs, k, st, pads, d, ceil) in sweep(random.Random(SEED * 100 + 13), 15, lambda r: draw_onnx_pool(r, True)):
        o(f"sweep_{n:02d}", xs, k, st, pads, d, ceil, tags=["sweep"])


def gen_avg_pool2d(s):
    c = single_input_case(s, "avg_pool2d", avg_pool2d_attrs)
    c("basic_2x2", (1, 2, 6, 6), 2)
    c("stride_null_means_kernel", (1, 2, 7, 7), 3, None, tags=["stride_null"])
    c("overlapping_k3_s1", (1, 2, 6, 5), 3, 1)
    c("rect_kernel_2x3_stride_1x2", (1, 2, 6, 7), (2, 3), (1, 2))
    c("unbatched_3d", (3, 6, 6), 2, tags=["unbatched"])
    c("zero_batch", (0, 2, 6, 6), 2, tags=["zero_batch"])
    c("kernel_equals_input", (1, 2, 5, 4), (5, 4))
    for cip in (True, False):
        tag = "cip" if cip else "no_cip"
        c(f"padding_1_k3_s1_{tag}", (1, 2, 5, 5), 3, 1, 1, False, cip, tags=["count_include_pad"])
        c(f"padding_1x0_k3x2_s2_{tag}", (2, 1, 6, 5), (3, 2), 2, (1, 0), False, cip, tags=["count_include_pad"])
        c(f"ceil_clipped_divisor_5x5_{tag}", arange(1, 1, 5, 5), 2, 2, 0, True, cip, tags=["ceil_mode", "corner"])
        c(f"ceil_h5_k3_s3_p1_{tag}", arange(1, 1, 5, 5), 3, 3, 1, True, cip, tags=["ceil_mode", "corner"])
        c(f"ceil_h3_k2_s2_p1_{tag}", arange(1, 1, 3, 3), 2, 2, 1, True, cip, tags=["ceil_mode", "corner"])
        c(f"ceil_h1_k2_s2_p1_{tag}", t([4.0], 1, 1, 1, 1), 2, 2, 1, True, cip, tags=["ceil_mode", "corner"])
        c(f"ceil_window_past_padding_{tag}", (1, 1, 6, 6), 3, 2, 1, True, cip, tags=["ceil_mode", "corner"])
    c("divisor_override_3", arange(1, 1, 4, 4), 2, divisor_override=3, tags=["divisor_override"])
    c("divisor_override_negative", arange(1, 1, 4, 4), 2, divisor_override=-1, tags=["divisor_override", "corner"])
    # a zero sum over a negative divisor is +0.0 in torch (it adds the quotient to a zeroed output), not -0.0
    c("divisor_override_negative_zero_sums", t([0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.0, 3.0, -0.0], 1, 1, 3, 3), 2, 1, 1,
      divisor_override=-2, tags=["divisor_override", "signed", "corner"])
    c("divisor_override_with_padding_ceil", (1, 2, 5, 5), 3, 2, 1, True, False, 4, tags=["divisor_override"])
    c("divisor_override_unbatched", (2, 4, 6), 2, 2, divisor_override=7, tags=["divisor_override", "unbatched"])
    c("inf_and_nan", t([INF, 1, 2, 3, -INF, 1, 2, 3, NAN, 1, 2, 3, 1, 1, 1, 1], 1, 1, 4, 4), 2, tags=["inf", "nan"])
    c("example_4x4_2x2", t([1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 3, 0, 1, 8, 4, 5], 1, 1, 4, 4), 2, tags=["example"])
    c("larger_random", (2, 3, 16, 16), 3, 2, 1, False, False)

    x = (1, 1, 5, 5)
    e = lambda name, rule, *a, x=x, **k: c("err_" + name, x, *a, rule=rule, **k)  # noqa: E731
    e("kernel_size_length_3", "pair_length", (2, 2, 2), 2)
    e("stride_length_3", "pair_length", 2, (2, 2, 2))
    e("padding_length_3", "pair_length", 2, 2, (0, 0, 0))
    e("input_rank_2", "input_rank", 2, x=(5, 5))
    e("input_rank_5", "input_rank", 2, x=(1, 1, 1, 5, 5))
    e("stride_zero", "stride_positive", 2, 0)
    e("stride_negative", "stride_positive", 2, -1)
    e("padding_negative", "padding_non_negative", 2, 2, -1)
    e("kernel_zero", "kernel_size_positive", 0, 1)
    e("zero_channels", "empty_input", 2, x=(1, 0, 5, 5))
    e("zero_height", "empty_input", 2, x=(1, 1, 0, 5))
    e("output_size_zero", "output_size_too_small", 6)
    e("padding_more_than_half_kernel", "padding_at_most_half_kernel", 2, 2, 2)
    e("divisor_override_zero", "divisor_nonzero", 2, divisor_override=0)

    def draw(rng):
        cfg = draw_window_pool(rng, False)
        if cfg:
            xs, k, stride, p, _, ceil = cfg
            return xs, k, stride, p, ceil, rng.random() < 0.5, rng.choice([None, None, None, 1, 3, 5, -2])
    for n, (xs, k, stride, p, ceil, cip, div) in sweep(random.Random(SEED * 100 + 4), 15, draw):
        c(f"sweep_{n:02d}", xs, k, stride, p, ceil, cip, div, tags=["sweep"])

    # ONNX's four-sided form: padding=[top, left, bottom, right], ONNX Runtime 1.29's rules.
    o = lambda name, *a, **k: c("onnx_" + name, *a, tags=["onnx"] + k.pop("tags", []), **k)  # noqa: E731
    for cip in (True, False):
        tag = "cip" if cip else "no_cip"
        o(f"pads_asymmetric_{tag}", (1, 2, 6, 7), 3, 2, [1, 0, 2, 1], False, cip, tags=["count_include_pad"])
        o(f"pads_over_half_kernel_ceil_{tag}", (1, 1, 6, 5), 3, 2, [2, 0, 0, 2], True, cip,
          tags=["count_include_pad", "ceil_mode", "pads_over_half"])
        o(f"ceil_overhang_not_counted_{tag}", arange(1, 1, 5, 5), 3, 2, [1, 1, 0, 0], True, cip,
          tags=["count_include_pad", "ceil_mode", "corner"])
        o(f"ceil_end_pad_and_overhang_{tag}", arange(1, 1, 6, 7), (3, 2), (2, 3), [2, 0, 1, 1], True, cip,
          tags=["count_include_pad", "ceil_mode", "corner"])
        o(f"ceil_last_window_dropped_{tag}", (1, 1, 6, 6), 3, 2, [0, 1, 2, 0], True, cip, tags=["ceil_mode", "corner"])
        o(f"start_in_pad_dropped_k3_s3_{tag}", (1, 1, 4, 4), 3, 3, [2, 2, 2, 2], True, cip, tags=["ceil_mode", "corner"])
    o("divisor_override_with_pads", (1, 2, 5, 5), 3, 2, [2, 1, 0, 2], True, False, 4, tags=["divisor_override"])
    o("unbatched", (2, 5, 6), 2, 1, [1, 1, 0, 0], tags=["unbatched"])
    o("zero_batch", (0, 2, 5, 5), 2, 2, [1, 1, 1, 1], tags=["zero_batch"])
    o("symmetric_pads_as_pytorch", (1, 2, 7, 7), 3, 2, [1, 1, 1, 1], True, True)
    e("onnx_pad_equals_kernel", "padding_below_kernel", 2, 1, [2, 0, 0, 0])
    e("onnx_end_pad_equals_kernel", "padding_below_kernel", (3, 2), 1, [0, 0, 0, 2])
    e("onnx_pad_negative", "padding_non_negative", 3, 1, [0, -1, 0, 0])
    e("onnx_output_size_zero", "output_size_too_small", 6, 1, [0, 0, 0, 0])

    def draw_onnx(rng):
        cfg = draw_onnx_pool(rng, False)
        if cfg:
            xs, k, st, pads, _, ceil = cfg
            return xs, k, st, pads, ceil, rng.random() < 0.5, rng.choice([None, None, None, 1, 3, -2])
    for n, (xs, k, st, pads, ceil, cip, div) in sweep(random.Random(SEED * 100 + 14), 15, draw_onnx):
        o(f"sweep_{n:02d}", xs, k, st, pads, ceil, cip, div, tags=["sweep"])


def gen_lp_pool2d(s):
    c = single_input_case(s, "lp_pool2d", lp_pool2d_attrs)
    pos = lambda name, *shape: Rand(name).uniform(0.1, 2.0, *shape)  # noqa: E731  (odd/fractional p need x >= 0)
    c("p2_basic", (1, 2, 6, 6), 2, 2)
    c("p2_stride_null", (1, 2, 6, 6), 2, 3, None, tags=["stride_null"])
    c("p2_overlapping_s1", (1, 2, 5, 5), 2, 2, 1)
    c("p2_rect_kernel", (1, 2, 6, 7), 2, (2, 3), (2, 1))
    c("p2_unbatched", (2, 4, 6), 2, 2, tags=["unbatched"])
    c("p2_zero_batch", (0, 2, 4, 4), 2, 2, tags=["zero_batch"])
    c("p2_all_zero_window", torch.zeros(1, 1, 4, 4), 2, 2, tags=["corner"])
    c("p1_signed_sum", t([-2, 3, 1, 1, 5, -6, 1, 1, -1, -1, 2, 2, -1, -1, 2, 2], 1, 1, 4, 4), 1, 2,
      tags=["corner", "signed"])
    c("p1_random", (1, 2, 6, 6), 1, 3, 1, tags=["signed"])
    c("p3_positive", pos("lp3", 1, 2, 6, 6), 3, 2)
    c("p3_negative_sums_nan", t([-1, -2, 1, 1, -3, 1, 1, 1, 2, 2, -1, 0, 2, 2, 0, -1], 1, 1, 4, 4), 3, 2,
      tags=["corner", "nan"])
    c("p4_even", (1, 2, 6, 6), 4, 2)
    c("p1_5_positive", pos("lp15", 1, 2, 6, 6), 1.5, 2, tags=["fractional_p"])
    c("p1_5_negative_input_nan", t([1, 2, -1, 2, 3, 4, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1], 1, 1, 4, 4), 1.5, 2,
      tags=["fractional_p", "nan", "corner"])
    c("p0_5_positive", pos("lp05", 1, 1, 6, 6), 0.5, 3, tags=["fractional_p"])
    c("p_negative_1", torch.full((1, 1, 2, 2), 2.0), -1, 2, tags=["corner"])
    c("ceil_mode_scaling_quirk", torch.ones(1, 1, 3, 3), 1, 2, 2, True, tags=["ceil_mode", "corner"])
    c("ceil_mode_p2_random", (1, 2, 5, 7), 2, 2, 2, True, tags=["ceil_mode"])
    c("ceil_mode_k3_s2", pos("lpc", 1, 1, 6, 6), 3, 3, 2, True, tags=["ceil_mode"])

    x = (1, 1, 5, 5)
    e = lambda name, rule, *a, x=x, **k: c("err_" + name, x, *a, rule=rule, **k)  # noqa: E731
    e("kernel_size_length_3", "pair_length", 2, (2, 2, 2), 2)
    e("stride_length_3", "pair_length", 2, 2, (2, 2, 2))
    e("input_rank_2", "input_rank", 2, 2, x=(5, 5))
    e("input_rank_5", "input_rank", 2, 2, x=(1, 1, 1, 5, 5))
    e("stride_zero", "stride_positive", 2, 2, 0)
    e("stride_negative", "stride_positive", 2, 2, -1)
    e("kernel_zero", "kernel_size_positive", 2, 0, 1)
    e("zero_height", "empty_input", 2, 2, x=(1, 1, 0, 5))
    e("output_size_zero", "output_size_too_small", 2, 6)
    e("norm_type_zero", "norm_type_nonzero", 0, 2)

    def draw(rng):
        k = [rng.randint(1, 4), rng.randint(1, 4)]
        stride = rng.choice([None, [rng.randint(1, 3), rng.randint(1, 3)]])
        ceil = rng.random() < 0.4
        H, W = rng.randint(1, 12), rng.randint(1, 12)
        if min(pool_out(n, kk, ss, 0, 1, ceil) for n, kk, ss in zip((H, W), k, stride or k)) < 1:
            return None
        batch = rng.choice([1, 2, None])
        C = rng.randint(1, 3)
        return (C, H, W) if batch is None else (batch, C, H, W), rng.choice([1, 2, 2, 3, 1.5, 4]), k, stride, ceil
    for n, (xs, p, k, stride, ceil) in sweep(random.Random(SEED * 100 + 5), 15, draw):
        name = f"sweep_{n:02d}"
        x = Rand("lp_pool2d_" + name).randn(*xs)
        c(name, x if p in (1, 2, 4) else x.abs(), p, k, stride, ceil, tags=["sweep"])

    # opsgi's extensions: a symmetric padding (passed to F.lp_pool2d's avg_pool2d), abs_input, and
    # ONNX's four-sided form (ONNX LpPool as ONNX Runtime 1.29 computes it: the window's plain sum).
    c("padding_1_p2", (1, 2, 5, 5), 2, 3, 2, False, 1, tags=["padding"])
    c("padding_1_ceil_scaling_quirk", torch.ones(1, 1, 4, 4), 1, 3, 2, True, (1, 0), tags=["padding", "ceil_mode", "corner"])
    c("abs_input_p3_negative", t([-1, -2, 1, 1, -3, 1, 1, 1, 2, 2, -1, 0, 2, 2, 0, -1], 1, 1, 4, 4), 3, 2, abs_input=True,
      tags=["abs_input", "corner"])
    c("abs_input_p1_random", (1, 2, 6, 6), 1, 3, 1, abs_input=True, tags=["abs_input"])
    o = lambda name, *a, **k: c("onnx_" + name, *a, tags=["onnx"] + k.pop("tags", []), **k)  # noqa: E731
    o("p2_pads_over_half", (1, 2, 5, 4), 2, (3, 2), (2, 1), False, [2, 1, 1, 0], True, tags=["pads_over_half"])
    o("p3_pads_abs", (1, 1, 4, 5), 3, (3, 2), (1, 2), False, [0, 1, 2, 0], True, tags=["abs_input"])
    o("p1_abs", (1, 1, 4, 4), 1, 2, None, False, [0, 0, 0, 0], True, tags=["abs_input"])
    o("p2_ceil_no_rescaling", torch.ones(1, 1, 5, 5), 2, 2, 2, True, [0, 0, 0, 0], True, tags=["ceil_mode", "corner"])
    o("p2_ceil_pads_dropped", (1, 1, 4, 4), 2, 2, 2, True, [0, 0, 1, 1], True, tags=["ceil_mode", "corner"])
    o("p1_signed_without_abs", t([-2, 3, 1, 1, 5, -6, 1, 1, -1, -1, 2, 2, -1, -1, 2, 2], 1, 1, 4, 4), 1, 2, 2, False,
      [1, 1, 0, 0], False, tags=["signed", "corner"])
    o("p2_unbatched", (2, 5, 6), 2, 2, 1, False, [1, 1, 0, 0], True, tags=["unbatched"])
    o("p2_zero_batch", (0, 2, 4, 4), 2, 2, 2, False, [1, 1, 1, 1], True, tags=["zero_batch"])
    e("padding_more_than_half_kernel", "padding_at_most_half_kernel", 2, 2, 2, False, 2)
    e("onnx_pad_equals_kernel", "padding_below_kernel", 2, 2, 1, False, [2, 0, 0, 0], True)
    e("onnx_pad_negative", "padding_non_negative", 2, 3, 1, False, [0, -1, 0, 0], True)

    def draw_onnx(rng):
        cfg = draw_onnx_pool(rng, False)
        if cfg:
            xs, k, st, pads, _, ceil = cfg
            return xs, rng.choice([1, 2, 2, 3, 4]), k, st, pads, ceil
    for n, (xs, p, k, st, pads, ceil) in sweep(random.Random(SEED * 100 + 15), 15, draw_onnx):
        o(f"sweep_{n:02d}", xs, p, k, st, ceil, pads, True, tags=["sweep", "abs_input"])


def gen_adaptive(s, op):
    is_max = op == "adaptive_max_pool2d"
    c = single_input_case(s, op, lambda output_size: {"output_size": pair(output_size)})
    c("shrink_7_to_3", (1, 2, 7, 7), 3)
    c("shrink_7x5_to_2x3", (1, 2, 7, 5), (2, 3))
    c("non_divisible_10_to_3", (1, 2, 10, 10), 3, tags=["overlap"])
    c("grow_3_to_5", (1, 2, 3, 3), 5, tags=["output_larger_than_input"])
    c("grow_2x3_to_5x7", (1, 1, 2, 3), (5, 7), tags=["output_larger_than_input"])
    c("null_height_kept", (1, 2, 5, 6), [None, 3], tags=["null"])
    c("null_width_kept", (1, 2, 5, 6), [2, None], tags=["null"])
    c("identity_size", (1, 2, 4, 5), (4, 5))
    c("output_1x1", (2, 3, 5, 6), 1)
    c("output_1xw", (1, 2, 5, 6), (1, 6))
    c("output_height_zero", (1, 2, 5, 5), (0, 3), tags=["corner", "empty_output"])
    c("unbatched_3d", (3, 7, 6), (3, 2), tags=["unbatched"])
    c("zero_batch", (0, 2, 6, 6), 3, tags=["zero_batch"])
    c("example_4x4_to_2x2", t([1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 3, 0, 1, 8, 4, 5], 1, 1, 4, 4), 2, tags=["example"])
    if is_max:
        nan_img = arange(1, 1, 4, 4)
        nan_img[0, 0, 0, 1] = NAN
        nan_img[0, 0, 1, 0] = NAN
        c("nan_last_nan_index_wins", nan_img, 2, tags=["nan", "corner"])
        c("ties_first_index_wins", Rand(op + "_ties").ints(0, 1, 1, 2, 6, 6), 4, tags=["ties", "corner"])
        c("all_neg_inf", torch.full((1, 1, 4, 4), -INF), 3, tags=["inf", "corner"])

    x = (1, 1, 5, 5)
    e = lambda name, rule, *a, x=x, **k: c("err_" + name, x, *a, rule=rule, **k)  # noqa: E731
    e("output_size_length_3", "pair_length", (1, 2, 3))
    e("output_size_length_1", "pair_length", [3])
    e("input_rank_2", "input_rank", 2, x=(5, 5))
    e("input_rank_5", "input_rank", 2, x=(1, 1, 1, 5, 5))
    e("zero_height", "empty_input", 2, x=(1, 3, 0, 5))
    if is_max:  # adaptive_avg_pool2d accepts C = 0 in 1.13 (a quirk, not tested)
        e("zero_channels", "empty_input", 2, x=(1, 0, 5, 5))
    e("output_size_negative", "output_size_non_negative", (-1, 2))

    def draw(rng):
        batch = rng.choice([1, 2, None])
        C, H, W = rng.randint(1, 3), rng.randint(1, 12), rng.randint(1, 12)
        size = [rng.choice([None, rng.randint(1, 8), rng.randint(1, 8)]) for _ in range(2)]
        return ((C, H, W) if batch is None else (batch, C, H, W)), size
    for n, (xs, size) in sweep(random.Random(SEED * 100 + (6 if is_max else 7)), 15, draw):
        c(f"sweep_{n:02d}", xs, size, tags=["sweep"])


def gen_global(s, op):
    is_max = op == "global_max_pool2d"
    c = single_input_case(s, op, lambda: {})
    c("basic", (1, 3, 5, 5))
    c("batch_2_rect", (2, 3, 4, 7))
    c("input_1x1", (2, 3, 1, 1), tags=["corner"])
    c("unbatched_3d", (3, 5, 4), tags=["unbatched"])
    c("zero_batch", (0, 3, 4, 4), tags=["zero_batch"])
    c("larger_plane", (1, 2, 16, 16))
    if is_max:
        nan_img = arange(1, 1, 3, 3)
        nan_img[0, 0, 0, 2] = NAN
        nan_img[0, 0, 2, 0] = NAN
        c("nan_last_nan_index_wins", nan_img, tags=["nan", "corner"])
        c("ties_first_index_wins", t([1, 3, 3, 2, 3, 1], 1, 1, 2, 3), tags=["ties", "corner"])
        c("all_neg_inf", torch.full((1, 2, 3, 3), -INF), tags=["inf", "corner"])
    if is_max:
        # global_avg_pool2d has no error case: adaptive_avg_pool2d(x, 1) takes the torch.mean fast
        # path in 1.13 before any check, so it accepts 2-D/5-D input and H = 0 (see FORMAT.md).
        c("err_input_rank_2", (5, 5), rule="input_rank")
        c("err_zero_height", (1, 3, 0, 5), rule="empty_input")
    rng = random.Random(SEED * 100 + (8 if is_max else 9))
    for n in range(8):
        batch, C, H, W = rng.choice([1, 2, None]), rng.randint(1, 4), rng.randint(1, 12), rng.randint(1, 12)
        c(f"sweep_{n:02d}", (C, H, W) if batch is None else (batch, C, H, W), tags=["sweep"])


# ---------------------------------------------------------------------------------------------
# pad
# ---------------------------------------------------------------------------------------------

def pad_attrs(pad, mode="constant", value=None):
    a = {"pad": list(pad), "mode": mode}
    if value is not None or mode == "constant":
        a["value"] = 0.0 if value is None else float(value)
    return a


def gen_pad(s):
    c = single_input_case(s, "pad", pad_attrs)
    img = arange(1, 1, 3, 3)
    for mode in ("constant", "reflect", "replicate", "circular"):
        c(f"example_3x3_by_1_{mode}", img, (1, 1, 1, 1), mode, tags=["example", mode])
        c(f"{mode}_asymmetric", (2, 2, 4, 5), (1, 2, 0, 3), mode, tags=[mode])
        c(f"{mode}_length_2_on_3d", (2, 3, 5), (2, 1), mode, tags=[mode, "pad_length_2"])
        c(f"{mode}_zero_batch", (0, 2, 3, 4), (1, 1, 2, 1), mode, tags=[mode, "zero_batch"])
        c(f"{mode}_crop_both_sides", (1, 2, 5, 6), (-1, -2, -1, 0), mode, tags=[mode, "negative_pad"])
        c(f"{mode}_crop_width_to_zero", (1, 1, 3, 4), (-2, -2, 0, 0), mode, tags=[mode, "negative_pad", "corner"])
        if mode != "circular":  # circular needs a batched 4-D input for a length-4 pad in 1.13
            c(f"{mode}_unbatched_3d", (2, 4, 5), (2, 1, 1, 2), mode, tags=[mode, "unbatched"])
        c(f"{mode}_mixed_sign", (1, 2, 5, 6), (2, -1, -2, 1), mode, tags=[mode, "negative_pad"])
    c("constant_value_1_5", (1, 2, 3, 4), (1, 1, 2, 0), "constant", 1.5, tags=["constant"])
    c("constant_value_negative", (2, 4, 4), (0, 3, 1, 1), "constant", -2.0, tags=["constant", "unbatched"])
    c("constant_length_2_on_4d", (1, 2, 3, 4), (1, 3), "constant", 0.5, tags=["constant", "pad_length_2"])
    c("constant_zero_channels", (1, 0, 3, 4), (1, 1, 1, 1), "constant", tags=["constant", "corner"])
    c("constant_zero_height_input", (1, 1, 0, 4), (1, 1, 1, 1), "constant", 3.0, tags=["constant", "corner"])
    c("constant_crop_to_zero_all_negative", (1, 1, 3, 4), (-2, -2, -1, 0), "constant",
      tags=["constant", "negative_pad", "corner"])
    c("circular_zero_channels", (1, 0, 3, 4), (1, 1, 1, 1), "circular", tags=["circular", "corner"])
    c("reflect_largest_legal", (1, 2, 3, 4), (3, 3, 2, 2), "reflect", tags=["reflect", "corner"])
    c("circular_equal_to_size", (1, 2, 3, 4), (4, 4, 3, 3), "circular", tags=["circular", "corner"])
    c("circular_crop_width_pad_height", arange(1, 1, 3, 4), (-1, -1, 2, 1), "circular", tags=["circular", "negative_pad"])
    c("replicate_larger_than_input", (1, 2, 3, 3), (5, 6, 7, 4), "replicate", tags=["replicate", "corner"])
    # circular crops first, then wraps what is left (not the whole input): caught opsgi wrapping the uncropped input
    c("circular_mixed_sign_wraps_cropped_input", (2, 3, 4, 5), (-1, 3, 2, -1), "circular", tags=["circular", "negative_pad"])
    c("circular_mixed_sign_wrap_all_that_is_left", (1, 2, 4, 5), (-2, 3, 3, -1), "circular",
      tags=["circular", "negative_pad", "corner"])
    # constant narrows each side first; cropping exactly everything, then padding, is legal
    c("constant_crop_whole_height_then_pad", (1, 2, 1, 4), (0, 1, -1, 4), "constant", 2.0,
      tags=["constant", "negative_pad", "corner"])
    row = arange(1, 1, 4)  # [1, 2, 3, 4] as (C=1, 1, W=4): length-2 pads act on W
    for pads, mode in (((-3, 3), "reflect"), ((3, -2), "reflect"), ((-5, 3), "reflect"), ((-5, 3), "replicate"),
                       ((1, 2), "reflect"), ((1, 2), "replicate"), ((1, 2), "circular"), ((1, 2), "constant"),
                       ((-1, 2), "circular"), ((2, -1), "circular")):
        tag = "_".join(str(p).replace("-", "m") for p in pads)
        c(f"example_row_1234_{mode}_{tag}", row, pads, mode, tags=["example", mode])

    x = arange(1, 1, 3, 4)
    e = lambda name, rule, *a, x=x, **k: c("err_" + name, x, *a, rule=rule, **k)  # noqa: E731
    e("odd_length", "pad_length", (1, 1, 1))
    e("length_longer_than_2_rank", "pad_length", (1,) * 10)
    e("unknown_mode", "pad_mode", (1, 1, 1, 1), "edge")
    e("reflect_length_2_on_4d", "pad_mode_rank", (1, 1), "reflect")
    e("replicate_length_4_on_2d", "pad_mode_rank", (1, 1, 1, 1), "replicate", x=(3, 4))
    e("circular_length_4_on_3d", "pad_mode_rank", (1, 1, 1, 1), "circular", x=(1, 3, 4))
    e("circular_length_2_on_4d", "pad_mode_rank", (1, 1), "circular")
    e("reflect_with_value", "value_needs_constant", (1, 1, 1, 1), "reflect", 1.0)
    e("replicate_with_value", "value_needs_constant", (1, 1, 1, 1), "replicate", 2.0)
    e("circular_with_value", "value_needs_constant", (1, 1, 1, 1), "circular", 1.0)
    e("reflect_pad_equal_to_width", "reflect_pad_too_large", (4, 4, 0, 0), "reflect")
    e("reflect_pad_equal_to_height", "reflect_pad_too_large", (0, 0, 0, 3), "reflect")
    e("circular_pad_larger_than_width", "circular_pad_too_large", (5, 0, 0, 0), "circular")
    e("reflect_zero_channels", "empty_input", (1, 1, 1, 1), "reflect", x=(1, 0, 3, 4))
    e("reflect_zero_height", "empty_input", (1, 1, 1, 1), "reflect", x=(1, 1, 0, 4))
    e("replicate_zero_channels", "empty_input", (1, 1, 1, 1), "replicate", x=(1, 0, 3, 4))
    e("reflect_output_empty", "output_size_too_small", (-2, -2, -1, -2), "reflect")
    e("replicate_output_empty", "output_size_too_small", (-2, -2, -1, -2), "replicate")
    e("circular_negative_size", "output_size_too_small", (-3, -2, 0, 0), "circular")
    e("constant_crop_to_zero_with_positive_pad", "output_size_too_small", (-2, -2, 1, 1))
    e("constant_crop_below_zero", "crop_too_large", (-3, -2, 0, 0))
    # constant_pad_nd narrows before it pads: H would end at 3, but the top crop of 2 exceeds H = 1
    e("constant_crop_past_a_side", "crop_too_large", (0, 1, -2, 4), x=(1, 1, 1, 4))
    e("constant_right_crop_past_what_is_left", "crop_too_large", (3, -5, 0, 0))
    # a circular wrap larger than what the crop left: 1.13 reads memory it never wrote; these two raise
    e("circular_wrap_past_crop", "circular_wrap_past_crop", (4, -1), "circular", x=(1, 1, 4))
    e("circular_crop_past_the_input", "circular_wrap_past_crop", (-5, 3, 0, 0), "circular")


# ---------------------------------------------------------------------------------------------
# batch_norm
# ---------------------------------------------------------------------------------------------

def batch_norm_case(s, name, x, stats=True, affine=True, training=False, momentum=0.1, eps=1e-5, rule=None,
                    tags=(), channels=None, weight=True, bias=True):
    """stats/weight/bias: True (random, C long), None (absent), or a length for param_size errors."""
    name = "batch_norm_" + name
    R = Rand(name)
    x = R.data(x)
    C = channels if channels is not None else x.shape[1]
    vec = lambda spec, gen: (None if spec is None else gen(C if spec is True else spec))  # noqa: E731
    inputs = {"input": x,
              "running_mean": vec(stats if stats in (None, True) else stats[0], lambda n: R.randn(n, scale=0.5)),
              "running_var": vec(stats if stats in (None, True) else stats[1], lambda n: R.uniform(0.5, 2.0, n)),
              "weight": vec(weight if affine else None, lambda n: R.uniform(0.5, 1.5, n)),
              "bias": vec(bias if affine else None, lambda n: R.randn(n))}
    attrs = {"training": training, "momentum": momentum, "eps": eps}
    s.case("batch_norm", name, attrs, inputs, rule=rule, tags=tags)


def gen_batch_norm(s):
    c = functools.partial(batch_norm_case, s)
    x = lambda name, *shape: Rand(name).randn(*shape, scale=2.0) + 1.0  # noqa: E731
    c("eval_affine", x("bn1", 2, 3, 4, 4))
    c("eval_no_affine", x("bn2", 2, 3, 4, 4), affine=False, tags=["no_affine"])
    c("eval_weight_only", x("bn3", 2, 3, 4, 4), bias=None, tags=["partial_affine"])
    c("eval_bias_only", x("bn4", 2, 3, 4, 4), weight=None, tags=["partial_affine"])
    c("eval_momentum_ignored", x("bn5", 1, 4, 3, 3), momentum=0.9)
    c("eval_eps_0_1", x("bn6", 1, 4, 3, 3), eps=0.1)
    c("eval_zero_batch", (0, 3, 4, 4), tags=["zero_batch"])
    c("eval_rank_2", x("bn7", 5, 3), tags=["rank2"])
    c("eval_rank_3_channel_is_dim_1", x("bn8", 2, 4, 6), tags=["rank3"])
    c("train_affine_running_stats", x("bn9", 2, 3, 4, 4), training=True, tags=["training", "running_stats"])
    c("train_no_running_stats", x("bn10", 2, 3, 4, 4), stats=None, training=True, tags=["training"])
    c("train_no_affine_no_stats", x("bn11", 2, 3, 4, 4), stats=None, affine=False, training=True,
      tags=["training", "no_affine"])
    c("train_no_affine_running_stats", x("bn12", 3, 2, 3, 3), affine=False, training=True,
      tags=["training", "running_stats", "no_affine"])
    c("train_momentum_0_3_eps_1e_3", x("bn13", 2, 3, 3, 5), training=True, momentum=0.3, eps=1e-3,
      tags=["training", "running_stats"])
    c("train_momentum_1", x("bn14", 2, 3, 3, 3), training=True, momentum=1.0, tags=["training", "running_stats"])
    c("train_momentum_0", x("bn15", 2, 3, 3, 3), training=True, momentum=0.0, tags=["training", "running_stats"])
    c("train_batch_1_spatial_many", x("bn16", 1, 3, 4, 5), training=True, tags=["training", "running_stats"])
    c("train_spatial_1x1_batch_4", x("bn17", 4, 3, 1, 1), training=True, tags=["training", "running_stats"])
    c("train_two_values_per_channel", x("bn18", 2, 3, 1, 1), training=True, tags=["training", "corner"])
    c("train_rank_2", x("bn19", 6, 4), training=True, tags=["training", "rank2"])
    c("train_rank_3", x("bn20", 2, 3, 5), training=True, tags=["training", "rank3"])
    c("eval_rank_5", x("bn22", 2, 3, 2, 3, 2), tags=["rank5"])
    c("train_rank_5", x("bn23", 2, 3, 3, 1, 2), training=True, tags=["training", "running_stats", "rank5"])
    c("train_running_mean_only", x("bn21", 2, 3, 3, 3), stats=(True, None), training=True,
      tags=["training", "partial_running_stats"])
    c("train_zero_batch_stats_unchanged", (0, 3, 2, 2), training=True, tags=["training", "zero_batch"])
    c("train_constant_channel", torch.full((2, 2, 3, 3), 4.0), training=True, tags=["training", "corner"])

    # A mean large against the spread: y = x*alpha + (b - mean*alpha) cancels, and ATen's AVX2 build fuses both
    # multiply-adds; rounding each step apart is off by an ulp of mean*alpha (caught opsgi at 1e-2 on |y| ~ 1).
    # (N, C) input takes ATen's channels-last statistics: float sums, each square fused into its add.
    R = Rand("batch_norm_large_mean")
    near = lambda *shape: 1000.0 + R.randn(*shape, scale=0.01)  # noqa: E731
    s.case("batch_norm", "batch_norm_eval_large_mean_cancellation", {"training": False, "momentum": 0.1, "eps": 1e-5},
           {"input": near(2, 3, 4, 4), "running_mean": near(3), "running_var": R.uniform(1e-5, 1e-4, 3),
            "weight": R.uniform(0.5, 1.5, 3), "bias": R.randn(3)}, tags=["corner"])
    c("train_large_mean_cancellation", near(2, 3, 4, 4), training=True, eps=1e-10, tags=["training", "corner"])
    c("train_rank_2_large_mean_float_statistics", near(6, 4), training=True, eps=1e-10, tags=["training", "rank2", "corner"])
    c("train_nc11_large_mean_float_statistics", near(5, 3, 1, 1), training=True, tags=["training", "corner"])

    x4 = (1, 4, 3, 3)
    e = lambda name, rule, x=x4, **k: c("err_" + name, x, rule=rule, **k)  # noqa: E731
    e("input_rank_1", "input_rank", x=(3,), channels=3)
    e("eval_without_running_stats", "running_stats_required", stats=None)
    e("eval_without_running_var", "running_stats_required", stats=(True, None))
    e("train_one_value_per_channel", "single_value_per_channel", x=(1, 3, 1, 1), stats=None, training=True)
    e("train_one_value_per_channel_rank_2", "single_value_per_channel", x=(1, 3), stats=None, training=True)
    e("running_mean_size", "param_size", stats=(5, True))
    e("running_var_size", "param_size", stats=(True, 5))
    e("weight_size", "param_size", weight=5)
    e("bias_size", "param_size", bias=5)


# ---------------------------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------------------------

SPECIAL = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 6.0, -6.0, 20.0, -20.0,
           100.0, -100.0, 1e-7, -1e-7, 1e-30, -1e-30, 88.0, -88.0, 1e4, -1e4, 3.4e38, -3.4e38]


def gen_activations(s):
    def c(op, name, x, rule=None, tags=(), **attrs):
        full = f"{op}_{name}"
        s.case(op, full, {**ACTIVATIONS[op][0], **attrs}, {"input": Rand(full).data(x)}, rule=rule, tags=tags)

    for op in ACTIVATIONS:
        if op in ("softmax", "log_softmax"):
            continue
        c(op, "random_4d", Rand(op).randn(2, 3, 4, 5, scale=3.0))
        c(op, "special_values", t(SPECIAL), tags=["special_values", "nan", "inf"])
        c(op, "zero_batch", (0, 3, 2, 2), tags=["zero_batch"])
    c("relu6", "around_6", t([5.9, 6.0, 6.1, 1e9, -0.0, 0.0, 3.0, -1.0]))
    for slope in (0.2, -0.5, 2.0):
        c("leaky_relu", f"slope_{str(slope).replace('-', 'neg_').replace('.', '_')}", Rand("lr").randn(3, 4, 5, scale=3),
          negative_slope=slope, tags=["negative_slope"])
    c("leaky_relu", "negative_slope_special", t(SPECIAL), negative_slope=-0.5, tags=["special_values"])
    for alpha in (0.5, 2.0, -1.0):
        label = str(alpha).replace("-", "neg_").replace(".", "_")
        c("elu", f"alpha_{label}", Rand("elu").randn(3, 4, 5, scale=3), alpha=alpha)
        c("celu", f"alpha_{label}", Rand("celu").randn(3, 4, 5, scale=3), alpha=alpha)
    tiny = t([-1e-7, -1e-6, -1e-5, -1e-3, -0.0, 1e-7, 1e-6, -1e-30])
    for op in ("elu", "selu", "celu"):
        c(op, "near_zero_negative", tiny, tags=["corner"])
    c("gelu", "tanh_random_4d", Rand("gelu_tanh").randn(2, 3, 4, 5, scale=3.0), approximate="tanh")
    c("gelu", "tanh_special_values", t(SPECIAL), approximate="tanh", tags=["special_values"])
    left_tail = t([-2.0, -3.0, -4.0, -5.0, -6.0, -8.0, -10.0, -20.0])
    c("gelu", "left_tail", left_tail, tags=["corner", "left_tail"])
    c("gelu", "tanh_left_tail", left_tail, approximate="tanh", tags=["corner", "left_tail"])
    hard_points = t([-3.0, 3.0, 0.0, -0.0, -3.0000002, -2.9999998, 2.9999998, 3.0000002, 1.5, -1.5, 1.0, -1.0,
                     6.0, -6.0, 0.1, 1.0 / 3.0, 2.0 / 3.0, -1.0 / 3.0])
    c("hardswish", "formula_points", hard_points, tags=["corner"])
    c("hardsigmoid", "formula_points", hard_points, tags=["corner"])
    # ONNX HardSigmoid (alpha/beta given): ONNX's defaults, each one alone, custom values; at 0.2 * +-2.5 the clamp bounds
    c("hardsigmoid", "onnx_defaults_given", Rand("hs_onnx").randn(2, 3, 4, 5, scale=4.0), alpha=0.2, beta=0.5, tags=["onnx"])
    c("hardsigmoid", "onnx_alpha_only", Rand("hs_onnx_a").randn(3, 4, 5, scale=4.0), alpha=0.25, tags=["onnx"])
    c("hardsigmoid", "onnx_beta_only", Rand("hs_onnx_b").randn(3, 4, 5, scale=4.0), beta=0.6, tags=["onnx"])
    c("hardsigmoid", "onnx_custom", Rand("hs_onnx_c").randn(3, 4, 5, scale=4.0), alpha=0.5, beta=0.25, tags=["onnx"])
    c("hardsigmoid", "onnx_formula_points", t([-2.5, 2.5, 0.0, -0.0, 2.4999998, 2.5000002, -2.4999998, -2.5000002, 1.0, -1.0]),
      alpha=0.2, beta=0.5, tags=["onnx", "corner"])
    c("hardsigmoid", "onnx_special_values", t(SPECIAL), alpha=0.2, beta=0.5, tags=["onnx", "special_values"])
    c("hardsigmoid", "onnx_zero_batch", (0, 3, 2, 2), alpha=0.2, beta=0.5, tags=["onnx", "zero_batch"])
    # ONNX Selu (alpha/gamma given)
    c("selu", "onnx_defaults_given", Rand("selu_onnx").randn(2, 3, 4, 5, scale=3.0), alpha=ONNX_SELU_ALPHA, gamma=ONNX_SELU_GAMMA,
      tags=["onnx"])
    c("selu", "onnx_custom", Rand("selu_onnx_c").randn(3, 4, 5, scale=3.0), alpha=2.0, gamma=1.5, tags=["onnx"])
    c("selu", "onnx_gamma_only", Rand("selu_onnx_g").randn(3, 4, 5, scale=3.0), gamma=0.5, tags=["onnx"])
    c("selu", "onnx_alpha_only", Rand("selu_onnx_a").randn(3, 4, 5, scale=3.0), alpha=1.0, tags=["onnx"])
    c("selu", "onnx_special_values", t(SPECIAL), alpha=2.0, gamma=1.5, tags=["onnx", "special_values"])
    c("selu", "onnx_near_zero_negative", tiny, alpha=2.0, gamma=1.5, tags=["onnx", "corner"])
    c("softsign", "formula_points", t([1.0, -1.0, 3.0, 1e7, -1e7, 1e30, 16777216.0, 0.1, -0.0, 0.0]), tags=["corner"])
    # sqrt: the random_4d case is half NaN (negative inputs); exact squares, subnormals and the largest float
    c("sqrt", "positive_4d", Rand("sqrt_positive").randn(2, 3, 4, 5, scale=3.0).abs())
    c("sqrt", "formula_points", t([4.0, 2.0, 0.25, 1e-38, 1.4e-45, 3.4e38, 1e-7, 0.0, -0.0, -1e-30]), tags=["corner"])
    c("erf", "saturation", t([-6.0, -4.0, -3.0, -1e-4, 1e-4, 3.0, 4.0, 6.0]), tags=["corner"])
    c("erf", "near_zero", tiny, tags=["corner"])
    # rounding to integers: halves, the largest non-integers, integers beyond 2^23, signed zeros and the sign around them
    rounding = t([0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 8388607.5, -8388607.5, 16777216.0, 1e30, -1e-30, 1e-30, -0.0, 0.0,
                  0.9999999, -0.9999999, 1.4e-45, -1.4e-45])
    for op in ("floor", "ceil", "sign", "abs", "neg"):
        c(op, "formula_points", rounding, tags=["corner"])
    c("reciprocal", "formula_points", t([3.0, -7.0, 1e-38, 1.4e-45, 3.4e38, -0.0, 0.0, 0.1, 1e20]), tags=["corner"])
    # exp: overflow beyond ~88.72, underflow into subnormals and 0 below ~-103.97; log: subnormals, 1 +- an ulp, 0, negatives
    c("exp", "range_ends", t([88.0, 88.72, 88.8, -87.0, -100.0, -103.9, -104.0, 1e-7, -1e-7, -0.0]), tags=["corner"])
    c("log", "positive_4d", Rand("log_positive").randn(2, 3, 4, 5, scale=3.0).abs())
    c("log", "formula_points", t([1.0, 1.0000001, 0.99999994, 1.4e-45, 1e-38, 3.4e38, 2.718282, -0.0, 0.0, -1.0]), tags=["corner"])
    c("hardtanh", "custom_range", Rand("ht").randn(3, 4, 5, scale=3), min_val=-2.0, max_val=0.5)
    c("hardtanh", "custom_range_special", t(SPECIAL), min_val=0.25, max_val=6.0, tags=["special_values"])
    c("softplus", "beta_2_threshold_3", Rand("sp").randn(3, 4, 5, scale=3), beta=2.0, threshold=3.0)
    c("softplus", "exactly_at_threshold", t([20.0, 19.999998, 20.000002, 21.0, 30.0, -20.0]), tags=["corner"])
    c("softplus", "beta_2_threshold_3_exact", t([1.5, 1.4999999, 1.5000001, 2.0, -1.5]), beta=2.0, threshold=3.0,
      tags=["corner"])
    c("softplus", "beta_0_5_threshold_10", t([19.0, 20.0, 21.0, 5.0, -5.0, 0.0]), beta=0.5, threshold=10.0,
      tags=["corner"])
    c("sigmoid", "saturation", t([-100.0, -88.0, -20.0, -10.0, 10.0, 20.0, 88.0, 100.0]))
    c("tanh", "saturation", t([-100.0, -20.0, -9.0, -1e-4, 1e-4, 9.0, 20.0, 100.0]))
    c("celu", "err_alpha_zero", (2, 3), alpha=0.0, rule="alpha_nonzero")
    c("gelu", "err_approximate_unknown", (2, 3), approximate="foo", rule="approximate")
    c("gelu", "err_approximate_case_sensitive", (2, 3), approximate="Tanh", rule="approximate")

    for op in ("softmax", "log_softmax"):
        x4 = Rand(op).randn(2, 3, 4, 5, scale=2.0)
        for dim in (0, 1, 2, 3, -1, -3):
            c(op, f"dim_{str(dim).replace('-', 'neg_')}", x4, dim=dim)
        c(op, "unbatched_3d_dim_0", (3, 4, 5), dim=0, tags=["unbatched"])
        c(op, "rank_1", (7,), dim=0)
        c(op, "large_values", t([1000.0, 1001.0, 1002.0, -1000.0, 0.0, 1000.0], 2, 3), dim=1, tags=["corner"])
        c(op, "some_neg_inf", t([-INF, 1.0, 2.0, -INF, -INF, 0.5, 3.0, 1.0, 0.0], 3, 3), dim=1, tags=["inf", "corner"])
        c(op, "all_neg_inf_slice_nan", t([-INF, -INF, -INF, 1.0, 2.0, 3.0], 2, 3), dim=1, tags=["inf", "nan", "corner"])
        c(op, "pos_inf_slice_nan", t([INF, 1.0, 2.0, 1.0, 2.0, 3.0], 2, 3), dim=1, tags=["inf", "nan", "corner"])
        c(op, "nan_slice", t([NAN, 1.0, 2.0, 1.0, 2.0, 3.0], 2, 3), dim=1, tags=["nan", "corner"])
        c(op, "zero_batch", (0, 3, 2, 2), dim=1, tags=["zero_batch"])
        c(op, "err_dim_4_on_4d", (2, 3, 2, 2), dim=4, rule="dim_range")
        c(op, "err_dim_neg_5_on_4d", (2, 3, 2, 2), dim=-5, rule="dim_range")


def gen_prelu(s):
    def c(name, x, w, rule=None, tags=()):
        full = "prelu_" + name
        R = Rand(full)
        s.case("prelu", full, {}, {"input": R.data(x), "weight": R.data(w)}, rule=rule, tags=tags)
    c("single_slope", (2, 3, 4, 4), t([0.25]))
    c("per_channel_slopes", (2, 3, 4, 4), t([0.1, -0.5, 2.0]))
    c("per_channel_random", (1, 5, 3, 3), (5,))
    c("scalar_weight_0d", (1, 3, 2, 2), torch.tensor(0.3), tags=["corner"])
    c("rank_2", (4, 6), (6,), tags=["rank2"])
    c("rank_1_single_slope", (7,), t([0.25]), tags=["rank1"])
    c("unbatched_3d_channel_is_dim_1", (3, 4, 5), (4,), tags=["unbatched", "corner"])
    c("zero_batch", (0, 3, 2, 2), (3,), tags=["zero_batch"])
    c("special_values", t(SPECIAL), t([0.25]), tags=["special_values", "nan", "inf"])
    c("err_weight_numel_mismatch", (1, 4, 3, 3), (3,), rule="weight_size")
    c("err_weight_empty", (1, 4, 3, 3), (0,), rule="weight_size")
    c("err_weight_rank_2", (1, 4, 3, 3), (4, 1), rule="weight_rank")


# ---------------------------------------------------------------------------------------------
# linear, add, upsample: the layers a CNN needs beyond convolution and pooling
# ---------------------------------------------------------------------------------------------

def gen_linear(s):
    def c(name, x, w, bias=True, rule=None, tags=()):
        full = "linear_" + name
        R = Rand(full)
        x, w = R.data(x), R.data(w)
        b = R.randn(w.shape[0]) if bias is True else (None if bias is None else R.data(bias))
        s.case("linear", full, {}, {"input": x, "weight": w, "bias": b}, rule=rule, tags=tags)
    c("example_exact", t([1, 2, 3, -1, 0, 0.5], 2, 3), t([1, 0, -1, 0.5, 0.5, 0.5], 2, 3), t([10, -1]), tags=["example"])
    c("basic_2d", (4, 6), (5, 6))
    c("no_bias", (4, 6), (5, 6), bias=None, tags=["no_bias"])
    c("rank1_input", (6,), (3, 6), tags=["rank1"])
    c("rank3_input", (2, 3, 6), (4, 6))
    c("rank4_input", (2, 3, 2, 6), (4, 6), bias=None, tags=["no_bias"])
    c("zero_batch", (0, 6), (5, 6), tags=["zero_batch"])
    c("no_input_features_is_bias", (3, 0), (4, 0), tags=["corner"])
    c("no_output_features", (3, 6), (0, 6), tags=["corner", "empty_output"])
    c("classifier_256_to_2", (2, 256), (2, 256), tags=["large_k"])
    c("large_k_1152", (2, 1152), (3, 1152), tags=["large_k"])
    x = Rand("linear_nan").randn(3, 4)
    x[0, 1] = NAN
    x[1, 2] = INF
    c("nan_and_inf_propagate", x, t([1.0, -2.0, 0.5, 3.0, 0.25, 1.0, 2.0, -1.0], 2, 4), tags=["nan", "inf"])
    c("err_input_0d", torch.tensor(1.0), (4, 3), rule="input_rank")
    c("err_weight_3d", (2, 3), (4, 3, 1), rule="weight_rank")
    c("err_in_features_mismatch", (2, 5), (4, 3), rule="input_features")
    c("err_in_features_mismatch_rank3", (2, 2, 5), (4, 3), rule="input_features")
    c("err_bias_length", (2, 3), (4, 3), bias=(5,), rule="bias_shape")
    rng = random.Random(SEED * 100 + 21)
    for n in range(10):
        rank = rng.randint(1, 4)
        lead = [rng.choice([0, 1, 1, 2, 3]) if i == 0 and rank > 1 else rng.randint(1, 3) for i in range(rank - 1)]
        k, o = rng.randint(1, 40), rng.randint(1, 9)
        c(f"sweep_{n:02d}", tuple(lead + [k]), (o, k), bias=rng.random() < 0.7 or None, tags=["sweep"])


def gen_binary(s):
    """add, sub, mul, div, pow with torch's broadcasting: each op on the same shapes, a per-channel operand on
    either side (operand order), scalars, outer broadcasts, empty tensors, IEEE specials, and errors. pow's
    random bases are |N(0, 1)| (a negative base to a fractional power is only NaN), its special cases below."""
    for op in BINARY:
        def c(name, a, b, rule=None, tags=()):
            full = f"{op}_{name}"
            R = Rand(full)
            x = R.data(a)
            if op == "pow" and not isinstance(a, torch.Tensor):
                x = x.abs()
            s.case(op, full, {}, {"input": x, "other": R.data(b)}, rule=rule, tags=tags)
        c("residual_4d", (2, 3, 4, 5), (2, 3, 4, 5))
        c("per_channel_other", (2, 3, 4, 5), (3, 1, 1), tags=["broadcast", "per_channel"])
        c("per_channel_input", (3, 1, 1), (2, 3, 4, 5), tags=["broadcast", "per_channel", "operand_order"])
        c("per_channel_4d_other", (2, 3, 4, 5), (1, 3, 1, 1), tags=["broadcast", "per_channel"])
        c("per_sample_channel", (2, 3, 4, 5), (2, 3, 1, 1), tags=["broadcast"])
        c("last_dim_vector", (2, 3, 4, 5), (5,), tags=["broadcast"])
        c("scalar_other", (2, 3), torch.tensor(1.75), tags=["broadcast", "scalar"])
        c("scalar_input", torch.tensor(-2.5), (2, 3), tags=["broadcast", "scalar", "operand_order"])
        c("both_0d", torch.tensor(3.0), torch.tensor(-1.25), tags=["scalar"])
        c("outer", (3, 1), (1, 4), tags=["broadcast"])
        c("rank1", (7,), (7,), tags=["rank1"])
        c("zero_batch", (0, 3, 2, 2), (3, 1, 1), tags=["zero_batch", "broadcast"])
        c("zero_against_one", (0, 1), (1, 3), tags=["zero_batch", "broadcast", "corner"])
        c("example_exact", t([1, 2, 3, 4, 0.5, -0.25], 1, 1, 2, 3), t([10, -2, 0.5, 4, 0.5, 0.25], 1, 1, 2, 3), tags=["example"])
        c("signed_zeros", t([0.0, -0.0, -0.0, 0.0]), t([-0.0, 0.0, -0.0, 0.0]), tags=["signed", "corner"])
        c("special_values", t(SPECIAL), t(list(reversed(SPECIAL))), tags=["special_values", "nan", "inf"])
        c("rounding_ties", t([16777216.0, 1.0, 0.1, 3.4e38, 3.0, 1e-30]), t([1.0, 1e-8, 0.2, 3.4e38, 3.0, 1e30]), tags=["corner", "inf"])
        c("err_last_dim_differs", (2, 3, 4, 5), (2, 3, 4, 6), rule="shape_mismatch")
        c("err_rank_differs_not_broadcastable", (2, 3, 4, 5), (2, 3, 4), rule="shape_mismatch")
        c("err_first_dim_differs", (4, 3), (2, 1), rule="shape_mismatch")
        c("err_zero_against_two", (0,), (2,), rule="shape_mismatch")
        rng = random.Random(SEED * 100 + 22 + list(BINARY).index(op))
        for n in range(6):
            out = [rng.randint(1, 5) for _ in range(rng.randint(1, 4))]
            a = tuple(1 if rng.random() < 0.25 else d for d in out[rng.choice([0, 0, 0, 1]) if len(out) > 1 else 0:])
            b = tuple(1 if rng.random() < 0.25 else d for d in out)
            c(f"sweep_{n:02d}", b, a, tags=["sweep", "broadcast"])  # the full-rank operand first: the gate repeats input's batch
    x, y = t([3.0, -3.0, 0.0, -0.0, 1.0, INF, 1.0, 7.0]), t([0.0, 0.0, 0.0, 0.0, -0.0, INF, 3.0, 7.0])
    s.case("div", "div_by_zero_and_true_division", {}, {"input": x, "other": y}, tags=["corner", "inf", "nan", "signed"])
    gen_pow(s)


def gen_pow(s):
    """pow's own cases: every pair of C99 powf's special operands (a (P, 1) base against a (P,) exponent), negative
    bases with integer exponents (the sign's parity), large and tiny results (overflow, subnormals), onnx's examples."""
    p = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.0, -2.0, 3.0, -3.0]
    s.case("pow", "pow_special_pairs", {}, {"input": t(p, len(p), 1), "other": t(p)}, tags=["special_values", "nan", "inf", "signed", "broadcast"])
    R = Rand("pow_negative_base_integer_exponents")
    s.case("pow", "pow_negative_base_integer_exponents", {}, {"input": -R.uniform(0.5, 2.0, 4, 9), "other": t([-4, -3, -2, -1, 0, 1, 2, 3, 4])},
           tags=["broadcast", "signed"])
    s.case("pow", "pow_overflow_and_subnormal", {}, {"input": t([10.0, 10.0, 10.0, 10.0, 0.5, 0.5, 2.0, 2.0]),
                                                      "other": t([38.0, 39.0, -45.0, -46.0, 149.0, 150.0, 127.0, 128.0])}, tags=["corner", "inf"])
    s.case("pow", "pow_onnx_bcast_array", {}, {"input": t([1, 2, 3, 4, 5, 6], 2, 3), "other": t([1, 2, 3])}, tags=["example", "broadcast"])
    R = Rand("pow_fractional_exponents")
    s.case("pow", "pow_fractional_exponents", {}, {"input": R.uniform(0.0, 4.0, 2, 3, 4, 5), "other": R.uniform(-3.0, 3.0, 3, 1, 1)},
           tags=["broadcast", "per_channel"])


def gen_matmul(s):
    def c(name, a, b, rule=None, tags=()):
        full = "matmul_" + name
        R = Rand(full)
        s.case("matmul", full, {}, {"input": R.data(a), "other": R.data(b)}, rule=rule, tags=tags)
    c("example_exact", t([1, 2, 3, 4, 5, 6], 2, 3), t([7, 8, 9, 10, 11, 12], 3, 2), tags=["example"])
    c("dot_1d", (7,), (7,), tags=["rank1"])
    c("mm_2d", (4, 6), (6, 5))
    c("vector_matrix", (6,), (6, 5), tags=["rank1"])
    c("matrix_vector", (4, 6), (6,), tags=["rank1"])
    c("batched_3d", (2, 4, 6), (2, 6, 5), tags=["batched"])
    c("batched_broadcast", (2, 1, 4, 6), (3, 6, 5), tags=["batched", "broadcast"])
    c("batched_times_2d", (2, 3, 4, 6), (6, 5), tags=["batched", "broadcast"])
    c("batched_times_vector", (2, 4, 6), (6,), tags=["batched", "rank1"])
    c("vector_times_batched", (6,), (2, 6, 5), tags=["batched", "rank1"])
    c("zero_batch", (0, 4, 6), (6, 5), tags=["zero_batch"])
    c("no_rows", (0, 6), (6, 5), tags=["corner"])
    c("k_zero_is_zeros", (3, 0), (0, 4), tags=["corner"])
    c("large_k_1152", (2, 1152), (1152, 3), tags=["large_k"])
    x = Rand("matmul_nan").randn(3, 4)
    x[0, 1] = NAN
    x[1, 2] = INF
    c("nan_and_inf_propagate", x, t([1.0, -2.0, 0.5, 3.0, 0.25, 1.0, 2.0, -1.0], 4, 2), tags=["nan", "inf"])
    c("err_input_0d", torch.tensor(1.0), (3,), rule="input_rank")
    c("err_other_0d", (3,), torch.tensor(1.0), rule="input_rank")
    c("err_inner_2d", (2, 3), (4, 5), rule="inner_size")
    c("err_inner_1d", (3,), (4,), rule="inner_size")
    c("err_inner_matrix_vector", (2, 3), (4,), rule="inner_size")
    c("err_inner_batched", (2, 2, 3), (2, 4, 5), rule="inner_size")
    c("err_batch_not_broadcastable", (2, 3, 4), (3, 4, 2), rule="shape_mismatch")
    rng = random.Random(SEED * 100 + 26)
    for n in range(10):
        m, k, nn = rng.randint(1, 6), rng.randint(1, 24), rng.randint(1, 6)
        batch = [rng.randint(1, 3) for _ in range(rng.randint(0, 2))]
        other_batch = [1 if rng.random() < 0.3 else d for d in batch][rng.randint(0, len(batch)) if batch else 0:]
        a = tuple(batch + [m, k]) if rng.random() < 0.85 else (k,)
        b = tuple(other_batch + [k, nn]) if rng.random() < 0.85 else (k,)
        c(f"sweep_{n:02d}", a, b, tags=["sweep"])


def upsample_attrs(size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None):
    """Every nn.Upsample argument, written out; pairs as [h, w] lists (an int or float is broadcast by pair())."""
    return {"size": pair(size), "scale_factor": [float(v) for v in pair(scale_factor)] if scale_factor is not None else None,
            "mode": mode, "align_corners": align_corners, "recompute_scale_factor": recompute_scale_factor}


def resize_attrs(mode="nearest", ctm="half_pixel", nearest_mode="round_prefer_floor", scales=None, sizes=None, **extra):
    a = {"mode": mode, "coordinate_transformation_mode": ctm, "nearest_mode": nearest_mode,
         "scales": None if scales is None else [float(v) for v in pair(scales)],
         "sizes": None if sizes is None else pair(sizes)}
    a.update(extra)
    return a


RESIZE_CTMS = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn"]
RESIZE_NEAREST = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"]


def gen_resize(s):
    c = single_input_case(s, "resize", resize_attrs)
    # every coordinate mode x nearest mode, up and down, by scales and by sizes (fractional ratios make ties)
    for ctm in RESIZE_CTMS:
        for nm in RESIZE_NEAREST:
            c(f"nearest_{ctm}_{nm}_up_scales_2x3", (1, 2, 2, 3), "nearest", ctm, nm, scales=(2.0, 3.0), tags=["nearest", ctm])
            c(f"nearest_{ctm}_{nm}_sizes_7x5", (1, 1, 4, 3), "nearest", ctm, nm, sizes=(7, 5), tags=["nearest", ctm])
            c(f"nearest_{ctm}_{nm}_down_scales_0_6", (1, 1, 5, 7), "nearest", ctm, nm, scales=(0.6, 0.6), tags=["nearest", ctm])
        c(f"linear_{ctm}_up_scales_2x3", (1, 2, 3, 4), "linear", ctm, scales=(2.0, 3.0), tags=["linear", ctm])
        c(f"linear_{ctm}_sizes_7x5", (2, 1, 4, 3), "linear", ctm, sizes=(7, 5), tags=["linear", ctm])
        c(f"linear_{ctm}_down_scales_0_6", (1, 2, 5, 7), "linear", ctm, scales=(0.6, 0.6), tags=["linear", ctm])
        c(f"linear_{ctm}_sizes_down_3x2", (1, 1, 8, 5), "linear", ctm, sizes=(3, 2), tags=["linear", ctm])
        c(f"cubic_{ctm}_up_scales_2x3", (1, 2, 3, 4), "cubic", ctm, scales=(2.0, 3.0), tags=["cubic", ctm])
        c(f"cubic_{ctm}_sizes_7x5", (2, 1, 4, 3), "cubic", ctm, sizes=(7, 5), tags=["cubic", ctm])
        c(f"cubic_{ctm}_down_scales_0_6", (1, 2, 5, 7), "cubic", ctm, scales=(0.6, 0.6), tags=["cubic", ctm])
        c(f"cubic_{ctm}_sizes_down_3x2", (1, 1, 8, 5), "cubic", ctm, sizes=(3, 2), tags=["cubic", ctm])
        c(f"cubic_{ctm}_exclude_outside_a_n0p5_scales_1_7", (1, 1, 5, 4), "cubic", ctm, scales=(1.7, 0.7), cubic_coeff_a=-0.5,
          exclude_outside=1, tags=["cubic", ctm, "exclude_outside"])
    # ONNX's own node-test inputs
    c("example_upsample_scales_nearest", arange(1, 1, 2, 2), "nearest", "half_pixel", scales=(2.0, 3.0), tags=["example"])
    c("example_downsample_scales_linear", arange(1, 1, 2, 4), "linear", "half_pixel", scales=(0.6, 0.6), tags=["example"])
    c("example_downsample_scales_linear_align_corners", arange(1, 1, 2, 4), "linear", "align_corners", scales=(0.6, 0.6),
      tags=["example"])
    c("example_upsample_sizes_nearest_ceil_half_pixel", arange(1, 1, 4, 4), "nearest", "half_pixel", "ceil", sizes=(8, 8),
      tags=["example"])
    c("example_upsample_sizes_nearest_floor_align_corners", arange(1, 1, 4, 4), "nearest", "align_corners", "floor",
      sizes=(8, 8), tags=["example"])
    c("example_upsample_sizes_nearest_round_prefer_ceil_asymmetric", arange(1, 1, 4, 4), "nearest", "asymmetric",
      "round_prefer_ceil", sizes=(8, 8), tags=["example"])
    c("example_upsample_scales_cubic", arange(1, 1, 4, 4), "cubic", "half_pixel", scales=2.0, tags=["example", "cubic"])
    c("example_downsample_scales_cubic", arange(1, 1, 4, 4), "cubic", "half_pixel", scales=0.8, tags=["example", "cubic"])
    c("example_upsample_scales_cubic_a_n0p5_exclude_outside", arange(1, 1, 4, 4), "cubic", "half_pixel", scales=2.0,
      cubic_coeff_a=-0.5, exclude_outside=1, tags=["example", "cubic", "exclude_outside"])
    c("example_upsample_scales_cubic_asymmetric", arange(1, 1, 4, 4), "cubic", "asymmetric", scales=2.0, tags=["example", "cubic"])
    c("example_downsample_sizes_cubic", arange(1, 1, 4, 4), "cubic", "half_pixel", sizes=(3, 3), tags=["example", "cubic"])
    # PyTorch's exports: F.interpolate nearest (asymmetric/floor) and bilinear (pytorch_half_pixel, align_corners)
    c("torch_nearest_scale_2", (2, 3, 4, 5), "nearest", "asymmetric", "floor", scales=2.0, tags=["torch"])
    c("torch_nearest_sizes_odd", (1, 2, 5, 3), "nearest", "asymmetric", "floor", sizes=(11, 7), tags=["torch"])
    c("torch_bilinear_scale_2", (1, 3, 6, 5), "linear", "pytorch_half_pixel", scales=2.0, tags=["torch"])
    c("torch_bilinear_sizes_down", (1, 2, 9, 8), "linear", "pytorch_half_pixel", sizes=(4, 3), tags=["torch"])
    c("torch_bilinear_align_corners_scale_2", (1, 2, 5, 6), "linear", "align_corners", scales=2.0, tags=["torch"])
    c("torch_bilinear_align_corners_sizes", (1, 1, 4, 7), "linear", "align_corners", sizes=(9, 3), tags=["torch"])
    c("torch_bicubic_scale_2", (1, 3, 6, 5), "cubic", "pytorch_half_pixel", scales=2.0, tags=["torch", "cubic"])
    c("torch_bicubic_sizes_down", (1, 2, 9, 8), "cubic", "pytorch_half_pixel", sizes=(4, 3), tags=["torch", "cubic"])
    c("torch_bicubic_align_corners_sizes", (1, 1, 4, 7), "cubic", "align_corners", sizes=(9, 3), tags=["torch", "cubic"])
    # corners
    c("pytorch_half_pixel_output_1", (1, 1, 5, 4), "linear", "pytorch_half_pixel", sizes=(1, 1), tags=["corner"])
    c("align_corners_output_1", (1, 1, 5, 4), "linear", "align_corners", sizes=(1, 3), tags=["corner"])
    c("nearest_output_1_half_pixel", (1, 1, 5, 4), "nearest", "half_pixel", "round_prefer_ceil", sizes=(1, 1), tags=["corner"])
    c("scales_floor_of_product", (1, 1, 7, 9), "nearest", "asymmetric", "floor", scales=(0.35, 1.15), tags=["corner"])
    c("zero_batch", (0, 2, 4, 4), "linear", "half_pixel", scales=2.0, tags=["zero_batch"])
    c("identity_scale_1", (1, 2, 3, 4), "linear", "half_pixel", scales=1.0, tags=["corner"])
    c("extra_attributes_ignored", (1, 1, 3, 3), "linear", "half_pixel", scales=2.0, exclude_outside=1,
      extrapolation_value=0.5, cubic_coeff_a=-0.5, tags=["corner"])
    c("larger_linear_half_pixel", (1, 3, 17, 23), "linear", "half_pixel", sizes=(40, 31))
    c("larger_nearest_round_prefer_floor", (1, 3, 17, 23), "nearest", "half_pixel", sizes=(40, 31))
    c("larger_cubic_half_pixel", (1, 3, 17, 23), "cubic", "half_pixel", sizes=(40, 31), tags=["cubic"])
    c("cubic_output_1_align_corners", (1, 1, 5, 4), "cubic", "align_corners", sizes=(1, 3), tags=["corner", "cubic"])
    c("cubic_input_1x1", (1, 2, 1, 1), "cubic", "half_pixel", sizes=(3, 2), tags=["corner", "cubic"])
    c("cubic_input_1x3_exclude_outside", (1, 2, 1, 3), "cubic", "half_pixel", sizes=(3, 5), exclude_outside=1,
      tags=["corner", "cubic", "exclude_outside"])
    c("cubic_step_edge_overshoots", t([0, 0, 0, 1, 1, 1] * 2, 1, 1, 2, 6), "cubic", "half_pixel", scales=(1.0, 2.5),
      tags=["corner", "cubic"])

    x = (1, 1, 4, 4)
    e = lambda name, rule, *a, x=x, **k: c("err_" + name, x, *a, rule=rule, **k)  # noqa: E731
    e("mode_unknown", "resize_mode", "area", scales=2.0)
    e("coordinate_mode_unknown", "coordinate_transformation_mode", "linear", "tf_crop", scales=2.0)
    e("tf_crop_and_resize_scales", "tf_crop_and_resize_sizes", "linear", "tf_crop_and_resize", scales=2.0)
    e("nearest_mode_unknown", "nearest_mode", "nearest", "half_pixel", "round", scales=2.0)
    e("scales_and_sizes", "scales_or_sizes", scales=2.0, sizes=(8, 8))
    e("neither_scales_nor_sizes", "scales_or_sizes")
    e("scales_zero", "scales_positive", scales=(0.0, 2.0))
    e("scales_negative", "scales_positive", scales=(2.0, -1.0))
    e("scales_length_3", "pair_length", scales=(1.0, 2.0, 2.0))
    e("sizes_zero", "output_size_too_small", sizes=(0, 4))
    e("scales_give_zero", "output_size_too_small", scales=(0.2, 1.0))
    e("input_rank_3", "input_rank", scales=2.0, x=(1, 4, 4))
    e("zero_channels", "empty_input", scales=2.0, x=(1, 0, 4, 4))


def gen_upsample(s):
    c = single_input_case(s, "upsample", upsample_attrs)
    # nearest
    c("nearest_example_2x2_by_2", arange(1, 1, 2, 2), scale_factor=2, tags=["example"])
    c("nearest_scale_2", (2, 3, 4, 5), scale_factor=2)
    c("nearest_scale_3x2", (1, 2, 3, 4), scale_factor=(3, 2))
    c("nearest_size_7x5", (1, 2, 4, 3), size=(7, 5))
    c("nearest_size_smaller", (1, 2, 9, 8), size=(4, 3))
    c("nearest_scale_0_5_down", (1, 2, 8, 6), scale_factor=0.5)
    c("nearest_scale_0_9x2_2", arange(1, 2, 12, 2), scale_factor=(0.9, 2.2), tags=["corner"])
    # C = 1 runs ATen's channels-last kernel: out = 2*in reads o/2 and out = in copies, whatever the scale.
    c("nearest_one_channel_scale_0_9x2_2", arange(1, 1, 12, 2), scale_factor=(0.9, 2.2), tags=["corner"])
    c("nearest_scale_1_3_out_equals_in", arange(1, 2, 2, 3), scale_factor=(1.0, 1.3), tags=["corner"])
    c("nearest_one_channel_scale_1_3_out_equals_in", arange(2, 1, 2, 3), scale_factor=(1.0, 1.3), tags=["corner"])
    c("nearest_1x1_input_scale_3", (2, 3, 1, 1), scale_factor=3, tags=["corner"])
    c("nearest_recompute_scale_factor", arange(1, 2, 12, 2), scale_factor=(0.9, 2.2), recompute_scale_factor=True)
    c("nearest_zero_batch", (0, 2, 3, 3), scale_factor=2, tags=["zero_batch"])
    c("nearest_nan_inf_copied", t([NAN, INF, -INF, -0.0], 1, 1, 2, 2), scale_factor=2, tags=["nan", "inf", "signed"])
    c("nearest_larger_plane", (1, 2, 16, 16), scale_factor=2)
    # bilinear
    for align in (None, False, True):
        label = {None: "default", False: "align_false", True: "align_true"}[align]
        c(f"bilinear_{label}_example_ramp_5_to_7", arange(1, 1, 1, 5, start=0.0), size=(1, 7), mode="bilinear",
          align_corners=align, tags=["example"])
        c(f"bilinear_{label}_scale_2", (1, 3, 4, 5), scale_factor=2, mode="bilinear", align_corners=align)
        c(f"bilinear_{label}_scale_1_5", (2, 2, 5, 5), scale_factor=1.5, mode="bilinear", align_corners=align)
        c(f"bilinear_{label}_size_9x4", (1, 2, 4, 6), size=(9, 4), mode="bilinear", align_corners=align)
        c(f"bilinear_{label}_down_0_5", (1, 2, 8, 7), scale_factor=0.5, mode="bilinear", align_corners=align)
        c(f"bilinear_{label}_one_channel", (2, 1, 5, 4), scale_factor=(2.5, 1.5), mode="bilinear", align_corners=align,
          tags=["corner"])
    c("bilinear_align_true_output_1x1", (1, 2, 4, 4), size=(1, 1), mode="bilinear", align_corners=True, tags=["corner"])
    c("bilinear_input_1x1", (1, 3, 1, 1), size=(3, 4), mode="bilinear", tags=["corner"])
    c("bilinear_recompute_scale_factor", (1, 2, 5, 5), scale_factor=1.5, mode="bilinear", recompute_scale_factor=True)
    c("bilinear_zero_batch", (0, 2, 3, 3), scale_factor=2, mode="bilinear", tags=["zero_batch"])
    c("bilinear_unet_28_to_56", (1, 4, 28, 28), scale_factor=2, mode="bilinear", align_corners=False, tags=["example"])
    # bicubic (A = -0.75; taps clamped at the border; the position is not clamped at 0, unlike bilinear's)
    for align in (None, False, True):
        label = {None: "default", False: "align_false", True: "align_true"}[align]
        c(f"bicubic_{label}_example_ramp_5_to_7", arange(1, 1, 1, 5, start=0.0), size=(1, 7), mode="bicubic",
          align_corners=align, tags=["example", "bicubic"])
        c(f"bicubic_{label}_scale_2", (1, 3, 4, 5), scale_factor=2, mode="bicubic", align_corners=align, tags=["bicubic"])
        c(f"bicubic_{label}_scale_1_5", (2, 2, 5, 5), scale_factor=1.5, mode="bicubic", align_corners=align, tags=["bicubic"])
        c(f"bicubic_{label}_scale_1_7x2_2", (1, 2, 6, 4), scale_factor=(1.7, 2.2), mode="bicubic", align_corners=align,
          tags=["bicubic"])
        c(f"bicubic_{label}_size_9x4", (1, 2, 4, 6), size=(9, 4), mode="bicubic", align_corners=align, tags=["bicubic"])
        c(f"bicubic_{label}_down_0_5", (1, 2, 8, 7), scale_factor=0.5, mode="bicubic", align_corners=align, tags=["bicubic"])
        c(f"bicubic_{label}_down_0_3x0_6", (1, 1, 13, 9), scale_factor=(0.3, 0.6), mode="bicubic", align_corners=align,
          tags=["bicubic"])
        c(f"bicubic_{label}_one_channel", (2, 1, 5, 4), scale_factor=(2.5, 1.5), mode="bicubic", align_corners=align,
          tags=["corner", "bicubic"])
        c(f"bicubic_{label}_output_1x1", (1, 2, 4, 4), size=(1, 1), mode="bicubic", align_corners=align, tags=["corner", "bicubic"])
        c(f"bicubic_{label}_recompute_scale_factor", (1, 2, 5, 5), scale_factor=(1.5, 2.2), mode="bicubic", align_corners=align,
          recompute_scale_factor=True, tags=["bicubic"])
    c("bicubic_input_1x1", (1, 3, 1, 1), size=(3, 4), mode="bicubic", tags=["corner", "bicubic"])
    c("bicubic_input_2x1", (1, 2, 2, 1), size=(5, 3), mode="bicubic", tags=["corner", "bicubic"])
    c("bicubic_same_size_copies", (1, 2, 5, 6), size=(5, 6), mode="bicubic", tags=["corner", "bicubic"])
    c("bicubic_step_edge_overshoots", t([0, 0, 0, 1, 1, 1] * 2, 1, 1, 2, 6), scale_factor=(1.0, 2.5), mode="bicubic",
      tags=["corner", "bicubic"])
    c("bicubic_zero_batch", (0, 2, 3, 3), scale_factor=2, mode="bicubic", tags=["zero_batch", "bicubic"])
    c("bicubic_larger_33x29_to_47x61", (1, 2, 33, 29), size=(47, 61), mode="bicubic", tags=["bicubic"])
    # errors
    x = (1, 2, 5, 5)
    c("err_size_and_scale_factor", x, size=3, scale_factor=2, rule="size_or_scale_factor")
    c("err_neither_size_nor_scale_factor", x, rule="size_or_scale_factor")
    c("err_recompute_with_size", x, size=3, recompute_scale_factor=True, rule="recompute_with_size")
    c("err_nearest_align_corners_false", x, scale_factor=2, align_corners=False, rule="align_corners_mode")
    c("err_nearest_align_corners_true", x, scale_factor=2, align_corners=True, rule="align_corners_mode")
    c("err_unknown_mode", x, scale_factor=2, mode="foo", rule="upsample_mode")
    c("err_size_3_elements", x, size=[3, 3, 3], rule="pair_length")
    c("err_scale_factor_1_element", x, scale_factor=[2], rule="pair_length")
    c("err_input_3d_bilinear", (2, 5, 5), size=3, mode="bilinear", rule="input_rank")
    c("err_input_5d_bilinear", (1, 2, 2, 5, 5), size=3, mode="bilinear", rule="input_rank")
    c("err_input_3d_nearest_pair", (2, 5, 5), size=(3, 3), rule="input_rank")
    c("err_zero_channels", (1, 0, 5, 5), size=3, rule="empty_input")
    c("err_zero_height", (1, 2, 0, 5), size=3, rule="empty_input")
    c("err_output_zero_from_scale", x, scale_factor=0.1, rule="output_size_too_small")
    c("err_output_size_zero", x, size=0, rule="output_size_too_small")
    c("err_negative_scale", x, scale_factor=-2, rule="output_size_too_small")
    rng = random.Random(SEED * 100 + 23)
    for n in range(12):
        mode = rng.choice(["nearest", "bilinear"])
        xs = (rng.randint(1, 2), rng.randint(1, 3), rng.randint(1, 9), rng.randint(1, 9))
        align = rng.choice([None, False, True]) if mode == "bilinear" else None
        if rng.random() < 0.5:
            c(f"sweep_{n:02d}", xs, size=(rng.randint(1, 14), rng.randint(1, 14)), mode=mode, align_corners=align, tags=["sweep"])
        else:
            scale = (rng.choice([0.5, 0.75, 1.5, 2.0, 2.5, 3.0]), rng.choice([0.5, 1.0, 1.25, 2.0, 3.0]))
            if int(xs[2] * scale[0]) < 1 or int(xs[3] * scale[1]) < 1:
                scale = (2.0, 2.0)
            c(f"sweep_{n:02d}", xs, scale_factor=scale, mode=mode, align_corners=align, tags=["sweep"])


# ---------------------------------------------------------------------------------------------
# Verification and summary (reads back what was written)
# ---------------------------------------------------------------------------------------------

def verify_and_summarise(root):
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    names, total, digest, rows = set(), 0, hashlib.sha256(), []
    for op in manifest["ops"]:
        folder = os.path.join(root, op)
        doc = json.load(open(os.path.join(folder, "cases.json")))
        assert doc["op"] == op
        referenced = set()
        valid = errors = 0
        for case in doc["cases"]:
            assert NAME_RE.match(case["name"]) and case["name"] not in names, case["name"]
            names.add(case["name"])
            assert ("expected" in case) != ("error" in case), case["name"]
            files = list(case["inputs"].values()) + list(case.get("expected", {}).values())
            for f in files:
                if f is None:
                    continue
                path = os.path.join(folder, f)
                with open(path, "rb") as fh:
                    assert np.lib.format.read_magic(fh) == (1, 0), path
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
                assert not fortran and dtype.str in ("<f4", "<i8"), (path, dtype, fortran)
                referenced.add(f)
            if "error" in case:
                errors += 1
            else:
                valid += 1
        on_disk = {f for f in os.listdir(folder) if f.endswith(".npy")}
        assert on_disk == referenced, f"{op}: unreferenced or missing files {sorted(on_disk ^ referenced)[:5]}"
        size = 0
        for f in sorted(os.listdir(folder)):
            data = open(os.path.join(folder, f), "rb").read()
            size += len(data)
            digest.update(f"{op}/{f}".encode() + hashlib.sha256(data).digest())
        total += size
        rows.append((op, valid, errors, size))
    total += os.path.getsize(os.path.join(root, "manifest.json"))
    assert total < SIZE_LIMIT, f"output is {total} bytes, over the {SIZE_LIMIT} limit"

    print(f"{'op':<22}{'valid':>7}{'error':>7}{'bytes':>11}")
    for op, valid, errors, size in rows:
        print(f"{op:<22}{valid:>7}{errors:>7}{size:>11}")
    print(f"{'total':<22}{sum(r[1] for r in rows):>7}{sum(r[2] for r in rows):>7}{total:>11}")
    print(f"torch {torch.__version__}, {len(rows)} ops, {len(names)} cases, content sha256 {digest.hexdigest()}")


def main():
    warnings.simplefilter("ignore")  # e.g. the even-kernel 'same' UserWarning
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    s = Suite()
    gen_conv2d(s)
    gen_conv_transpose2d(s)
    gen_max_pool2d(s)
    gen_avg_pool2d(s)
    gen_adaptive(s, "adaptive_avg_pool2d")
    gen_adaptive(s, "adaptive_max_pool2d")
    gen_global(s, "global_avg_pool2d")
    gen_global(s, "global_max_pool2d")
    gen_lp_pool2d(s)
    gen_pad(s)
    gen_batch_norm(s)
    gen_linear(s)
    gen_binary(s)
    gen_matmul(s)
    gen_upsample(s)
    gen_resize(s)
    gen_activations(s)
    gen_prelu(s)
    s.write(ROOT)
    verify_and_summarise(ROOT)


if __name__ == "__main__":
    main()
