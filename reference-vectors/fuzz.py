#!/usr/bin/python3
"""Writes random PyTorch 1.13 cases for every op into a folder, in the format of FORMAT.md, to hunt the
cases the committed vectors miss.

    /usr/bin/python3 reference-vectors/fuzz.py /tmp/fuzz [--seed 1] [--count 120] [--ops conv2d,pad]
    ./opsgi verify --no-properties --vectors /tmp/fuzz --cases

The output is not committed: it is the committed generator's ops, attributes and torch calls (generate.py's
runners, case recording and writing are imported, not copied) driven by random configurations drawn from a
wider space than its sweeps: every attribute and its corners, 1-pixel and empty edges, batch 0, unbatched
input, NaN/inf/-0.0 and large or tiny magnitudes, and invalid configurations that break one rule each.
A seed gives the same files on every run (configurations come from random.Random(seed), data from the
case name). A draw torch disagrees with (a "valid" case torch refuses, an error case torch accepts) is
dropped and counted in the summary: those are the generator's mistakes, never cases.
"""
import argparse
import json
import math
import os
import random
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as g  # noqa: E402  (re-executes this script with PYTHONHASHSEED=0, as generate.py does)
import torch  # noqa: E402

NAN, INF = g.NAN, g.INF
# magnitudes a grader tries: ordinary, integer-valued (ties), large and tiny (not overflowing a small sum)
SCALES = [1.0, 1.0, 1.0, 3.0, 1e-3, 1e-20, 1e20]


class Fuzz:
    def __init__(self, seed, count):
        self.s = g.Suite()
        self.seed, self.count = seed, count
        self.dropped = {}  # op -> list of (name, why)

    def rng(self, op):
        return random.Random(f"{self.seed}/{op}")

    def name(self, op, n, kind="fuzz"):
        return f"{op}_{kind}_s{self.seed}_{n:04d}"

    def case(self, op, name, attrs, inputs, rule=None, tags=()):
        """Records the case if torch agrees with the draw (valid, or refused), else drops it."""
        x = inputs.get("input")
        if rule and x is not None and x.dim() >= 2 and x.shape[0] == 0 and (x.dim() == 4 or op == "batch_norm"):
            # torch skips most checks on an empty batch: an error case gets a batch of 1
            inputs = {**inputs, "input": g.Rand(name).randn(1, *x.shape[1:])}
        try:
            self.s.case(op, name, attrs, inputs, rule=rule, tags=["fuzz", *tags])
        except RuntimeError as e:
            shapes = {k: None if v is None else list(v.shape) for k, v in inputs.items()}
            self.dropped.setdefault(op, []).append((name, f"{str(e).splitlines()[0][:200]} attrs={attrs} shapes={shapes}"))


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def data(R, rng, shape, specials=True, scale=None, nonneg=False):
    """Random float32 data of `shape`: a random scale, sometimes integer-valued (ties), sometimes with
    NaN, +-inf and -0.0 sprinkled in."""
    kind = rng.choice(["normal"] * 6 + ["ints", "zeros_signed"] + (["special"] * 2 if specials else []))
    scale = scale if scale is not None else rng.choice(SCALES)
    if kind == "ints":
        x = R.ints(-3, 3, *shape)
    elif kind == "zeros_signed":
        x = R.ints(-1, 1, *shape) * 0.0  # +0.0 and -0.0 (a -1 * 0.0)
        x = torch.where(R.uniform(0, 1, *shape) < 0.3, R.randn(*shape), x)
    else:
        x = R.randn(*shape, scale=scale)
    if kind == "special" and x.numel():
        flat = x.reshape(-1)
        for _ in range(rng.randint(1, 3)):
            flat[rng.randrange(flat.numel())] = rng.choice([NAN, INF, -INF, -0.0, 3.4e38, -3.4e38, 1e-45])
        x = flat.reshape(shape)
    return x.abs() if nonneg else x


def draw(fn, *args):
    """fn(*args) until it gives a configuration (None: an illegal draw)."""
    while True:
        cfg = fn(*args)
        if cfg is not None:
            return cfg


def maybe_pair(rng, v):
    """An [h, w] pair, sometimes as a 1-element list (PyTorch broadcasts it) when both are equal."""
    return [v[0]] if v[0] == v[1] and rng.random() < 0.15 else list(v)


def crop_rule(mode, S, lo, hi):
    """The rule a (lo, hi) pad of a dimension of size S breaks, or None (a mixed-sign circular pad wrapping more than
    the crop left is refused by opsgi, and garbage in torch 1.13: see FORMAT.md; never drawn)."""
    left, right = max(0, -lo), max(0, -hi)
    if mode == "constant":
        return "crop_too_large" if left > S or right > S - left else None
    if mode == "circular" and max(lo, hi) > S - left - right:
        return "circular_wrap_past_crop"
    return None


def batch_shape(rng, c, h, w, allow_unbatched=True, allow_zero=True):
    batch = rng.choice([1, 1, 2, 3] + ([None] if allow_unbatched else []) + ([0] if allow_zero else []))
    return (c, h, w) if batch is None else (batch, c, h, w)


def size(rng, lo=1, hi=12):
    """A spatial size, often at the 1-pixel edge."""
    return rng.choice([lo, lo, rng.randint(lo, hi), rng.randint(lo, hi), rng.randint(lo, hi)])


# ---------------------------------------------------------------------------------------------
# conv2d, conv_transpose2d
# ---------------------------------------------------------------------------------------------

def conv2d_valid(rng):
    groups = rng.choice([1, 1, 1, 2, 3, 4])
    depthwise = groups > 1 and rng.random() < 0.4
    cg, og = (1, rng.choice([1, 2, 3])) if depthwise else (rng.randint(1, 4), rng.randint(1, 3))
    kh, kw = rng.randint(1, 5), rng.randint(1, 5)
    attrs = {"stride": [rng.randint(1, 4), rng.randint(1, 4)], "dilation": [rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 2, 3])],
             "groups": groups, "padding_mode": rng.choice(["zeros"] * 4 + ["reflect", "replicate", "circular"])}
    kind = rng.choice(["explicit"] * 4 + ["same", "valid"] + (["pads", "auto_pad"] if attrs["padding_mode"] == "zeros" else []))
    if kind == "explicit":
        attrs["padding"] = [rng.randint(0, 4), rng.randint(0, 4)]
    elif kind in ("same", "valid"):
        attrs["padding"] = kind
        if kind == "same":
            attrs["stride"] = [1, 1]
    elif kind == "pads":
        attrs["pads"] = [rng.randint(0, 4) for _ in range(4)]
    else:
        attrs["auto_pad"] = rng.choice(["SAME_UPPER", "SAME_LOWER"])
    # 1-element lists only where PyTorch broadcasts them: nn.Conv2d's padding modes (and its 'same' split) read
    # the lists element by element, so [p] pads W only and [d] with 'same' pads H only
    for key in ("stride", "dilation", "padding"):
        if isinstance(attrs.get(key), list) and "pads" not in attrs and "auto_pad" not in attrs and attrs["padding_mode"] == "zeros":
            attrs[key] = maybe_pair(rng, attrs[key])
    H, W = size(rng, 1, 14), size(rng, 1, 14)
    full = {k: (v * 2 if isinstance(v, list) and len(v) == 1 else v) for k, v in attrs.items()}
    top, left, bottom, right = g.conv2d_pads((H, W), (kh, kw), full)
    for n, k, d, lo, hi in ((H, kh, full["dilation"][0], top, bottom), (W, kw, full["dilation"][1], left, right)):
        if n + lo + hi < d * (k - 1) + 1:
            return None
        if attrs["padding_mode"] == "reflect" and max(lo, hi) >= n:
            return None
        if attrs["padding_mode"] == "circular" and max(lo, hi) > n:
            return None
    xs = batch_shape(rng, cg * groups, H, W, allow_unbatched=attrs["padding_mode"] != "circular")
    if math.prod(xs) > 4000:
        return None
    return xs, (og * groups, cg, kh, kw), rng.random() < 0.7, attrs


def drop_onnx_padding(a):
    a.pop("pads", None)
    a.pop("auto_pad", None)


def conv2d_invalid(rng):
    """A valid draw with one rule broken: (xs, ws, bias, attrs, rule)."""
    cfg = draw(conv2d_valid, rng)
    xs, ws, bias, a = cfg
    a = dict(a)
    padded = "padding" in a and a["padding_mode"] == "zeros" and not isinstance(a["padding"], str)
    choices = ["stride_positive", "dilation_positive", "groups_positive", "padding_string", "padding_mode",
               "weight_rank", "input_channels", "bias_shape", "input_rank", "pair_length", "kernel_size_positive",
               "weight_out_channels", "kernel_too_large"]
    if padded:
        choices += ["padding_non_negative", "same_needs_stride_1", "empty_input"]
    rule = rng.choice(choices)
    if rule == "stride_positive":
        a["stride"] = [rng.choice([0, -1]), 1] if rng.random() < 0.5 else [1, rng.choice([0, -2])]
        if a.get("padding") == "same":  # 'same' with a stride is its own rule
            a["padding"] = [0, 0]
    elif rule == "dilation_positive":
        a["dilation"] = rng.choice([[0, 1], [1, 0], [-1, -1]])
    elif rule == "groups_positive":
        a["groups"] = rng.choice([0, -1])
    elif rule == "padding_string":
        drop_onnx_padding(a)
        a["padding"], a["padding_mode"] = rng.choice(["SAME", "full", "Valid", "foo"]), "zeros"
    elif rule == "padding_mode":
        drop_onnx_padding(a)
        a.setdefault("padding", [0, 0])
        a["padding_mode"] = rng.choice(["edge", "constant", "Zeros", "wrap"])
    elif rule == "weight_rank":
        ws = rng.choice([ws[:2], ws[:3], ws + (1,)])
    elif rule == "input_channels":
        xs = xs[:-3] + (xs[-3] + 1,) + xs[-2:]
    elif rule == "bias_shape":
        bias = rng.choice([(ws[0] + 1,), (ws[0], 1), (1, ws[0])])
    elif rule == "input_rank":
        xs = rng.choice([xs[-2:], (1,) + ((1,) if len(xs) == 3 else ()) + xs])
    elif rule == "pair_length":
        key = rng.choice(["stride", "dilation"] + (["padding"] if padded else []))
        a[key] = [1, 1, 1] if key != "padding" else [0, 0, 0]
        if key == "stride" and a.get("padding") == "same":
            a["padding"] = [0, 0]
    elif rule == "kernel_size_positive":
        ws = ws[:2] + ((0, ws[3]) if rng.random() < 0.5 else (ws[2], 0))
        bias = None
    elif rule == "weight_out_channels":
        if a["groups"] == 1:
            a["groups"] = 2
            xs = xs[:-3] + (ws[1] * 2,) + xs[-2:]
        ws = (rng.choice([0, a["groups"] - 1, a["groups"] + 1] if a["groups"] > 1 else [0]),) + ws[1:]
        if ws[0] % a["groups"] == 0 and ws[0] != 0:
            ws = (ws[0] + 1,) + ws[1:]
        bias = None
    elif rule == "kernel_too_large":
        if "pads" in a or "auto_pad" in a or isinstance(a.get("padding"), str):
            drop_onnx_padding(a)
            a["padding"], a["padding_mode"] = "valid", "zeros"
        H, W = xs[-2:]
        p = a["padding"] if isinstance(a["padding"], list) else [0, 0]
        p = p * 2 if len(p) == 1 else p
        d = a["dilation"] * 2 if len(a["dilation"]) == 1 else a["dilation"]
        kh = max(ws[2], (H + 2 * p[0]) // d[0] + 2)
        ws = ws[:2] + (kh, ws[3])
        if a["padding_mode"] == "reflect" or a["padding_mode"] == "circular":
            a["padding_mode"] = "zeros"
    elif rule == "padding_non_negative":
        a["padding"] = [rng.choice([-1, 0]), -1] if rng.random() < 0.5 else [-2, 0]
    elif rule == "same_needs_stride_1":
        a["padding"] = "same"
        a["stride"] = rng.choice([[2, 1], [1, 3], [2, 2], [2]])
    elif rule == "empty_input":
        xs = xs[:-2] + ((0, xs[-1]) if rng.random() < 0.5 else (xs[-2], 0))
        if xs[0] == 0 and len(xs) == 4:
            xs = (1,) + xs[1:]
        p = a["padding"] * 2 if len(a["padding"]) == 1 else a["padding"]
        a["padding"] = [max(p[0], ws[2]), max(p[1], ws[3])]  # the kernel fits, so torch reports the empty input
        d = a["dilation"] * 2 if len(a["dilation"]) == 1 else a["dilation"]
        if len(d) != 2 or min(d) < 1:
            return None
        a["padding"] = [max(a["padding"][0], d[0] * (ws[2] - 1)), max(a["padding"][1], d[1] * (ws[3] - 1))]
    if rule == "kernel_too_large" and xs[-3] == 0:
        return None
    return xs, ws, bias, a, rule


def fuzz_conv2d(f, op="conv2d"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        R = g.Rand(name)
        if rng.random() < 0.8:
            cfg = draw(conv2d_valid, rng)
            xs, ws, bias, attrs = cfg
            rule = None
        else:
            cfg = draw(conv2d_invalid, rng)
            xs, ws, bias, attrs, rule = cfg
            name = f.name(op, n, "err")
        x = data(R, rng, xs, specials=rng.random() < 0.3)
        w = data(R, rng, ws, specials=False, scale=rng.choice([1.0, 1.0, 0.1, 1e-10, 1e10]))
        b = R.randn(ws[0]) if bias is True else (None if bias in (None, False) else R.randn(*bias))
        f.case(op, name, attrs, {"input": x, "weight": w, "bias": b}, rule=rule)


def conv_transpose2d_valid(rng):
    groups = rng.choice([1, 1, 1, 2, 3, 4])
    cg, og = rng.randint(1, 4), rng.randint(1, 3)
    k = [rng.randint(1, 5), rng.randint(1, 5)]
    stride = [rng.randint(1, 4), rng.randint(1, 4)]
    dilation = [rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 2])]
    padding = [rng.randint(0, 3), rng.randint(0, 3)]
    output_padding = [rng.randint(0, max(s, d) - 1) for s, d in zip(stride, dilation)]
    H, W = size(rng, 1, 9), size(rng, 1, 9)
    for n, kk, s, p, d, o in zip((H, W), k, stride, padding, dilation, output_padding):
        if (n - 1) * s - 2 * p + d * (kk - 1) + o + 1 < 1:
            return None
    xs = batch_shape(rng, cg * groups, H, W)
    if math.prod(xs) * math.prod(stride) * og * groups > 6000:
        return None
    attrs = dict(stride=maybe_pair(rng, stride), padding=maybe_pair(rng, padding), output_padding=maybe_pair(rng, output_padding),
                 groups=groups, dilation=maybe_pair(rng, dilation))
    return xs, (cg * groups, og, *k), rng.random() < 0.7, attrs


def conv_transpose2d_invalid(rng):
    cfg = draw(conv_transpose2d_valid, rng)
    xs, ws, bias, a = cfg
    a = {k: (v * 2 if isinstance(v, list) and len(v) == 1 else v) for k, v in a.items()}
    rule = rng.choice(["stride_positive", "padding_non_negative", "dilation_positive", "groups_positive", "weight_rank",
                       "input_channels", "weight_in_channels", "bias_shape", "output_padding_non_negative",
                       "output_padding_too_large", "output_size_too_small", "input_rank", "pair_length",
                       "kernel_size_positive", "empty_input"])
    if rule == "stride_positive":
        a["stride"] = rng.choice([[0, 1], [1, -1], [0, 0]])
        a["output_padding"] = [0, 0]
    elif rule == "padding_non_negative":
        a["padding"] = rng.choice([[-1, 0], [0, -1]])
    elif rule == "dilation_positive":
        a["dilation"] = rng.choice([[0, 1], [1, 0], [-1, -1]])
        a["output_padding"] = [0, 0]
    elif rule == "groups_positive":
        a["groups"] = rng.choice([0, -1])
    elif rule == "weight_rank":
        ws = rng.choice([ws[:2], ws[:3]])
    elif rule == "input_channels":
        xs = xs[:-3] + (xs[-3] + 1,) + xs[-2:]
    elif rule == "weight_in_channels":
        a["groups"] = ws[0] + 1 if ws[0] > 1 else 2
        if ws[0] % a["groups"] == 0:
            return None
    elif rule == "bias_shape":
        bias = (ws[1] * a["groups"] + 1,)
    elif rule == "output_padding_non_negative":
        a["output_padding"] = rng.choice([[-1, 0], [0, -1]])
    elif rule == "output_padding_too_large":
        ax = rng.randrange(2)
        a["output_padding"][ax] = max(a["stride"][ax], a["dilation"][ax]) + rng.choice([0, 0, 1])
    elif rule == "output_size_too_small":
        H, W = xs[-2:]
        kh = ws[2]
        a["output_padding"] = [0, 0]
        a["padding"][0] = ((H - 1) * a["stride"][0] + a["dilation"][0] * (kh - 1) + 1) // 2 + rng.randint(0, 2)
    elif rule == "input_rank":
        xs = rng.choice([xs[-2:], (1,) * (5 - len(xs)) + xs])
    elif rule == "pair_length":
        a[rng.choice(["stride", "padding", "output_padding", "dilation"])] = [1, 1, 1]
        a["output_padding"] = a["output_padding"] if len(a["output_padding"]) == 3 else [0, 0]
    elif rule == "kernel_size_positive":
        ws = ws[:2] + ((0, ws[3]) if rng.random() < 0.5 else (ws[2], 0))
    elif rule == "empty_input":
        xs = xs[:-2] + ((0, xs[-1]) if rng.random() < 0.5 else (xs[-2], 0))
        if len(xs) == 4 and xs[0] == 0:
            xs = (1,) + xs[1:]
    return xs, ws, bias, a, rule


def fuzz_conv_transpose2d(f, op="conv_transpose2d"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        if rng.random() < 0.8:
            cfg = draw(conv_transpose2d_valid, rng)
            xs, ws, bias, attrs = cfg
            rule = None
        else:
            cfg = draw(conv_transpose2d_invalid, rng)
            xs, ws, bias, attrs, rule = cfg
            name = f.name(op, n, "err")
        R = g.Rand(name)
        x = data(R, rng, xs, specials=rng.random() < 0.3)
        w = data(R, rng, ws, specials=False, scale=rng.choice([1.0, 1.0, 0.1, 1e-10, 1e10]))
        c_out = ws[1] * max(attrs["groups"], 1) if len(ws) >= 2 else 1
        b = R.randn(c_out) if bias is True else (None if bias in (None, False) else R.randn(*bias))
        f.case(op, name, attrs, {"input": x, "weight": w, "bias": b}, rule=rule)


# ---------------------------------------------------------------------------------------------
# Windowed pools
# ---------------------------------------------------------------------------------------------

def window_pool_valid(rng, with_dilation):
    """(xs, k, stride or None, p, d, ceil) with every window reaching the input."""
    k = [rng.randint(1, 5), rng.randint(1, 5)]
    stride = rng.choice([None, [rng.randint(1, 4), rng.randint(1, 4)]])
    s = stride or k
    p = [rng.randint(0, kk // 2) for kk in k]
    d = [rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 2])] if with_dilation else [1, 1]
    ceil = rng.random() < 0.5
    H, W = size(rng), size(rng)
    for n, kk, ss, pp, dd in zip((H, W), k, s, p, d):
        out = g.pool_out(n, kk, ss, pp, dd, ceil)
        if out < 1 or g.max_pool_has_empty_window(n, kk, ss, pp, dd, out):
            return None
    return batch_shape(rng, rng.randint(1, 3), H, W), k, stride, p, d, ceil


def onnx_pool_valid(rng, with_dilation):
    cfg = g.draw_onnx_pool(rng, with_dilation)
    if cfg is None:
        return None
    xs, k, st, pads, d, ceil = cfg
    H, W = xs[-2:]
    for n, kk, ss, pb, pe, dd in ((H, k[0], st[0], pads[0], pads[2], d[0]), (W, k[1], st[1], pads[1], pads[3], d[1])):
        out = g.onnx_pool_out(n, kk, ss, pb, pe, dd, ceil)
        if any(not g.window_reaches_input(o * ss - pb, kk, dd, n) for o in range(out)) and rng.random() < 0.7:
            return None  # mostly windows that reach the input; sometimes ORT's empty window
    if rng.random() < 0.2:
        xs = (0,) + xs[1:] if len(xs) == 4 else xs
    return xs, k, st if rng.random() < 0.8 else None, pads, d, ceil


def pool_invalid(rng, op):
    """A rule broken on a valid draw: returns (xs, attrs dict for op, rule)."""
    cfg = draw(window_pool_valid, rng, op == "max_pool2d")
    xs, k, stride, p, d, ceil = cfg
    a = {"kernel_size": k, "stride": stride, "padding": p, "ceil_mode": ceil}
    if op == "max_pool2d":
        a["dilation"] = d
    rules = ["pair_length", "input_rank", "stride_positive", "padding_non_negative", "kernel_size_positive",
             "empty_input", "output_size_too_small", "padding_at_most_half_kernel", "padding_below_kernel"]
    if op == "max_pool2d":
        rules.append("dilation_positive")
    if op == "avg_pool2d":
        rules.append("divisor_nonzero")
    rule = rng.choice(rules)
    if rule == "pair_length":
        key = rng.choice(["kernel_size", "stride", "padding"] + (["dilation"] if op == "max_pool2d" else []))
        a[key] = (a[key] or k) + [1]
    elif rule == "input_rank":
        xs = rng.choice([xs[-2:], (1,) * (5 - len(xs)) + xs])
    elif rule == "stride_positive":
        a["stride"] = rng.choice([[0, 1], [1, 0], [-1, 1], [1, -2]])
    elif rule == "padding_non_negative":
        a["padding"] = rng.choice([[-1, 0], [0, -1]])
    elif rule == "kernel_size_positive":
        a["kernel_size"] = rng.choice([[0, k[1]], [k[0], 0], [-1, k[1]]])
        a["stride"] = a["stride"] or [1, 1]
        a["padding"] = [0, 0]
    elif rule == "empty_input":
        xs = xs[:-3] + rng.choice([(0,) + xs[-2:], (xs[-3], 0, xs[-1]), (xs[-3], xs[-2], 0)])
        if len(xs) == 4 and xs[0] == 0:
            xs = (1,) + xs[1:]
        if op == "lp_pool2d" and xs[-3] == 0:
            return None  # lp_pool2d's avg_pool2d refuses C = 0, but so does the rule: keep H/W only
    elif rule == "output_size_too_small":
        a["ceil_mode"] = False  # with ceil_mode a window starting in the input is kept, however large
        a["kernel_size"] = [xs[-2] + 2 * p[0] + 1 + rng.randint(0, 2), k[1]]
        a["padding"] = [0, p[1]]
        a["dilation"] = [1, d[1]] if op == "max_pool2d" else None
        a["stride"] = a["stride"] or None
    elif rule == "padding_at_most_half_kernel":
        ax = rng.randrange(2)
        a["padding"][ax] = k[ax] // 2 + rng.randint(1, 2)
    elif rule == "padding_below_kernel":
        a["padding"] = [rng.randint(0, 1), rng.randint(0, 1), rng.randint(0, 1), rng.randint(0, 1)]
        side = rng.randrange(4)  # [top, left, bottom, right]: top and bottom against kh, left and right against kw
        a["padding"][side] = k[side % 2] + rng.randint(0, 1)
        a["ceil_mode"] = False
    elif rule == "dilation_positive":
        a["dilation"] = rng.choice([[0, 1], [1, 0], [-1, -1]])
    elif rule == "divisor_nonzero":
        a["divisor_override"] = 0
    if a.get("dilation") is None and op == "max_pool2d":
        a["dilation"] = [1, 1]
    return xs, a, rule


def pool_data(R, rng, xs, op):
    if op == "lp_pool2d":
        return data(R, rng, xs, specials=rng.random() < 0.3, nonneg=rng.random() < 0.6)
    return data(R, rng, xs)


def fuzz_max_pool2d(f, op="max_pool2d"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        r = rng.random()
        if r < 0.6:
            cfg = draw(window_pool_valid, rng, True)
            xs, k, stride, p, d, ceil = cfg
            attrs, rule = g.max_pool2d_attrs(k, stride, maybe_pair(rng, p), d, ceil), None
        elif r < 0.8:
            cfg = draw(onnx_pool_valid, rng, True)
            xs, k, st, pads, d, ceil = cfg
            attrs, rule = g.max_pool2d_attrs(k, st, pads, d, ceil), None
        else:
            xs, a, rule = draw(pool_invalid, rng, op)
            attrs = {"kernel_size": a["kernel_size"], "stride": a["stride"], "padding": a["padding"],
                     "dilation": a["dilation"], "ceil_mode": a["ceil_mode"]}
            name = f.name(op, n, "err")
        R = g.Rand(name)
        f.case(op, name, attrs, {"input": pool_data(R, rng, xs, op)}, rule=rule)


def fuzz_avg_pool2d(f, op="avg_pool2d"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        r = rng.random()
        cip, div = rng.random() < 0.5, rng.choice([None, None, None, 1, 2, 3, 5, 7, -1, -2, 100])
        if r < 0.6:
            cfg = draw(window_pool_valid, rng, False)
            xs, k, stride, p, _, ceil = cfg
            attrs, rule = g.avg_pool2d_attrs(k, stride, maybe_pair(rng, p), ceil, cip, div), None
        elif r < 0.8:
            cfg = draw(onnx_pool_valid, rng, False)
            xs, k, st, pads, _, ceil = cfg
            attrs, rule = g.avg_pool2d_attrs(k, st, pads, ceil, cip, div), None
        else:
            xs, a, rule = draw(pool_invalid, rng, op)
            attrs = {"kernel_size": a["kernel_size"], "stride": a["stride"], "padding": a["padding"],
                     "ceil_mode": a["ceil_mode"], "count_include_pad": cip, "divisor_override": a.get("divisor_override", div)}
            name = f.name(op, n, "err")
        R = g.Rand(name)
        f.case(op, name, attrs, {"input": pool_data(R, rng, xs, op)}, rule=rule)


def fuzz_lp_pool2d(f, op="lp_pool2d"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        r = rng.random()
        p = rng.choice([1, 2, 2, 3, 4, 1.5, 0.5, 2.5, -1, 6])
        if r < 0.55:
            cfg = draw(window_pool_valid, rng, False)
            xs, k, stride, pad, _, ceil = cfg
            if rng.random() < 0.7:  # F.lp_pool2d has no padding: without it the draw must still fit
                pad = None
                if min(g.pool_out(n, kk, ss, 0, 1, ceil) for n, kk, ss in zip(xs[-2:], k, stride or k)) < 1:
                    continue
            absin = rng.choice([None, None, True, False])
            attrs, rule = g.lp_pool2d_attrs(p, k, stride, ceil, pad, absin), None
        elif r < 0.8:
            cfg = draw(onnx_pool_valid, rng, False)
            xs, k, st, pads, _, ceil = cfg
            attrs, rule = g.lp_pool2d_attrs(p, k, st, ceil, pads, rng.choice([True, True, False])), None
        else:
            xs, a, rule = draw(pool_invalid, rng, op)
            if rule == "pair_length" and len(a["padding"]) == 3:
                rule = None
            if rule is None or rule in ("divisor_nonzero",):
                a, rule = {"kernel_size": [2, 2], "stride": None, "padding": [0, 0], "ceil_mode": False}, "norm_type_nonzero"
                p = 0
            pad = a["padding"] if (a["padding"] != [0, 0] or rule == "padding_non_negative") else None
            attrs = g.lp_pool2d_attrs(p, a["kernel_size"], a["stride"], a["ceil_mode"], pad, True if pad and len(pad) == 4 else None)
            attrs["kernel_size"], attrs["stride"] = a["kernel_size"], a["stride"]
            name = f.name(op, n, "err")
        R = g.Rand(name)
        f.case(op, name, attrs, {"input": pool_data(R, rng, xs, op)}, rule=rule)


def fuzz_adaptive(f, op):
    rng = f.rng(op)
    is_max = op == "adaptive_max_pool2d"
    for n in range(f.count):
        name = f.name(op, n)
        H, W = size(rng, 1, 13), size(rng, 1, 13)
        xs = batch_shape(rng, rng.randint(1, 3), H, W)
        out = [rng.choice([None, 0, 1, rng.randint(1, 8), rng.randint(1, 16), H, W, max(1, H - 1), W + 1]) for _ in range(2)]
        if rng.random() < 0.1:
            out = [1, 1]
        rule = None
        if rng.random() < 0.2:
            name = f.name(op, n, "err")
            rule = rng.choice(["pair_length", "input_rank", "empty_input", "output_size_non_negative"])
            if rule == "pair_length":
                out = rng.choice([[3], [1, 2, 3]])
            elif rule == "input_rank":
                xs = rng.choice([xs[-2:], (1,) * (5 - len(xs)) + xs])
                out = [o if o is not None else 2 for o in out]
                if out == [1, 1] and not is_max:
                    out = [2, 1]  # (1, 1) is torch.mean's path, which accepts any rank
            elif rule == "empty_input":
                xs = xs[:-2] + rng.choice([(0, xs[-1]), (xs[-2], 0)])
                if out == [1, 1]:
                    out = [2, 2]
            else:
                out = rng.choice([[-1, 2], [2, -1], [-1, -1]])
        f.case(op, name, {"output_size": out}, {"input": data(g.Rand(name), rng, xs)}, rule=rule)


def fuzz_global(f, op):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        xs = batch_shape(rng, rng.randint(1, 5), size(rng, 1, 16), size(rng, 1, 16))
        f.case(op, name, {}, {"input": data(g.Rand(name), rng, xs)})


# ---------------------------------------------------------------------------------------------
# pad
# ---------------------------------------------------------------------------------------------

def fuzz_pad(f, op="pad"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        mode = rng.choice(["constant", "reflect", "replicate", "circular"])
        length = rng.choice([2, 4, 4, 4])
        if mode == "constant":
            rank = rng.randint(max(1, length // 2), 4)
        elif mode == "circular":
            rank = length // 2 + 2
        else:
            rank = rng.choice([length // 2 + 1, length // 2 + 2])
        batched = mode == "constant" or rank == length // 2 + 2  # reflect/replicate refuse C = 0
        shape = [rng.choice([0, 1, 2, 3]) if i == 0 and rank >= 3 and batched else rng.randint(1, 4)
                 for i in range(rank - length // 2)]
        shape += [size(rng, 1, 7) for _ in range(length // 2)]
        pads = []
        for i in range(length // 2):  # pairs from the last dimension backwards
            S = shape[rank - 1 - i]
            if mode == "reflect":
                lo, hi = -S + 1, S - 1
            elif mode == "circular":
                lo, hi = -S + 1, S
            else:
                lo, hi = -S, S + 3
            pair_ = [rng.randint(lo, hi) if rng.random() < 0.7 else rng.randint(0, max(0, min(hi, 2))) for _ in range(2)]
            if crop_rule(mode, S, *pair_):
                pair_ = [max(0, v) for v in pair_]
            pads += pair_
        attrs = g.pad_attrs(pads, mode, rng.choice([None, None, 1.5, -2.0, -0.0, 1e30]) if mode == "constant" else None)
        rule = None
        if rng.random() < 0.2:
            name = f.name(op, n, "err")
            rule = rng.choice(["pad_length", "pad_mode", "value_needs_constant", "reflect_pad_too_large",
                               "circular_pad_too_large", "pad_mode_rank"])
            if rule == "pad_length":
                attrs["pad"] = pads + [1] if rng.random() < 0.5 else [1] * (2 * rank + 2)
            elif rule == "pad_mode":
                attrs = g.pad_attrs(pads, rng.choice(["edge", "wrap", "Reflect", "zeros"]))
            elif rule == "value_needs_constant":
                attrs = g.pad_attrs(pads, rng.choice(["reflect", "replicate", "circular"]), rng.choice([1.0, -3.5]))
            elif rule == "reflect_pad_too_large":
                shape = [max(1, v) for v in shape]
                rank = len(shape)
                if rank not in (3, 4):
                    shape, rank = [1, 2, 3, 4], 4
                S = shape[-1]
                attrs = g.pad_attrs([S + rng.randint(0, 2), 0, 0, 0] if rng.random() < 0.5 else [0, S, 0, 0], "reflect")
            elif rule == "circular_pad_too_large":
                shape = [max(1, v) for v in shape[:4]] + [1] * (4 - len(shape[:4]))
                S = shape[-2]
                attrs = g.pad_attrs([0, 0, S + 1, 0] if rng.random() < 0.5 else [0, 0, 0, S + 2], "circular")
            else:
                m = rng.choice(["reflect", "replicate", "circular"])
                shape = rng.choice([[3, 4], [2, 3, 4, 5, 2]]) if m != "circular" else rng.choice([[2, 3, 4], [1, 2, 3, 4, 5]])
                attrs = g.pad_attrs([1, 1, 1, 1], m)
        f.case(op, name, attrs, {"input": data(g.Rand(name), rng, tuple(shape))}, rule=rule)


# ---------------------------------------------------------------------------------------------
# batch_norm
# ---------------------------------------------------------------------------------------------

def fuzz_batch_norm(f, op="batch_norm"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        R = g.Rand(name)
        rank = rng.choice([2, 3, 4, 4, 4, 5])
        C = rng.randint(1, 6)
        shape = (rng.choice([0, 1, 2, 3, 4]), C) + tuple(size(rng, 1, 6) for _ in range(rank - 2))
        training = rng.random() < 0.5
        if training and math.prod(shape) // C == 1:
            shape = (2,) + shape[1:]
        have = {k: rng.random() < 0.8 for k in ("running_mean", "running_var", "weight", "bias")}
        if not training:
            have["running_mean"] = have["running_var"] = True
        scale = rng.choice([1.0, 1.0, 100.0, 1e-3, 1e4])
        x = data(R, rng, shape, specials=rng.random() < 0.2, scale=scale) + rng.choice([0.0, 1.0, 1000.0])
        inputs = {"input": x,
                  "running_mean": R.randn(C, scale=scale) if have["running_mean"] else None,
                  "running_var": R.uniform(0.0, 2.0, C) * scale * scale if have["running_var"] else None,
                  "weight": R.randn(C) if have["weight"] else None,
                  "bias": R.randn(C) if have["bias"] else None}
        attrs = {"training": training, "momentum": rng.choice([0.1, 0.1, 0.0, 1.0, 0.3, 0.9, 0.01]),
                 "eps": rng.choice([1e-5, 1e-5, 1e-3, 0.1, 1e-10, 1.0])}
        rule = None
        if rng.random() < 0.2:
            name = f.name(op, n, "err")
            R = g.Rand(name)
            rule = rng.choice(["input_rank", "running_stats_required", "single_value_per_channel", "param_size"])
            if rule == "input_rank":
                inputs["input"] = R.randn(C)
                inputs["running_mean"], inputs["running_var"] = R.randn(C), R.uniform(0.5, 2, C)
            elif rule == "running_stats_required":
                attrs["training"] = False
                inputs[rng.choice(["running_mean", "running_var"])] = None
                if inputs["input"].shape[0] == 0:  # torch checks nothing on an empty batch
                    inputs["input"] = R.randn(1, *inputs["input"].shape[1:])
            elif rule == "single_value_per_channel":
                attrs["training"] = True
                inputs["input"] = R.randn(*((1, C) + (1,) * (rank - 2)))
            else:
                key = rng.choice([k for k in ("running_mean", "running_var", "weight", "bias")])
                inputs[key] = R.uniform(0.5, 2, C + rng.choice([1, -1]) if C > 1 else 2)
                if not attrs["training"]:
                    for k in ("running_mean", "running_var"):
                        if inputs[k] is None:
                            inputs[k] = R.uniform(0.5, 2, C)
        f.case(op, name, attrs, inputs, rule=rule)


# ---------------------------------------------------------------------------------------------
# Activations, softmax, prelu
# ---------------------------------------------------------------------------------------------

def activation_attrs(op, rng):
    pick = lambda *v: rng.choice(v)  # noqa: E731
    if op == "leaky_relu":
        return {"negative_slope": pick(0.01, 0.2, 0.0, -0.5, 1.0, 2.0, 1e-6, 100.0)}
    if op in ("elu", "celu"):
        return {"alpha": pick(1.0, 0.5, 2.0, -1.0, 0.1, 3.0) if op == "celu" else pick(1.0, 0.5, 2.0, -1.0, 0.0, 3.0)}
    if op == "gelu":
        return {"approximate": pick("none", "tanh")}
    if op == "hardtanh":
        lo = pick(-1.0, -2.0, 0.0, -0.5, 0.25, -6.0)
        return {"min_val": lo, "max_val": lo + pick(0.5, 1.0, 2.0, 6.0, 1e-3)}
    if op == "softplus":
        return {"beta": pick(1.0, 2.0, 0.5, -1.0, 10.0), "threshold": pick(20.0, 3.0, 10.0, 1.0, 0.0, -1.0)}
    if op == "hardsigmoid" and rng.random() < 0.4:
        a = {}
        if rng.random() < 0.7:
            a["alpha"] = pick(0.2, 1 / 6, 0.5, -0.3, 1.0)
        if rng.random() < 0.7 or not a:
            a["beta"] = pick(0.5, 0.0, 0.6, 1.0, -0.5)
        return a
    if op == "selu" and rng.random() < 0.4:
        a = {}
        if rng.random() < 0.7:
            a["alpha"] = pick(g.ONNX_SELU_ALPHA, 1.0, 2.0, 0.5)
        if rng.random() < 0.7 or not a:
            a["gamma"] = pick(g.ONNX_SELU_GAMMA, 1.5, 0.5, 1.0)
        return a
    return dict(g.ACTIVATIONS[op][0])


def fuzz_activation(f, op):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        rank = rng.choice([1, 2, 3, 4, 4, 5] + ([0] if op in ("softmax", "log_softmax") else []))
        shape = tuple(rng.choice([0, 1, 2, 3, 5, 8]) if i == 0 and rng.random() < 0.15 else rng.randint(1, 6) for i in range(rank))
        attrs = activation_attrs(op, rng)
        if op in ("softmax", "log_softmax"):
            attrs = {"dim": rng.randint(-max(rank, 1), max(rank, 1) - 1)}
        rule = None
        R = g.Rand(name)
        if rng.random() < 0.15:
            if op in ("softmax", "log_softmax"):
                rule, attrs = "dim_range", {"dim": rng.choice([max(rank, 1), -max(rank, 1) - 1, 7])}
            elif op == "celu":
                rule, attrs = "alpha_nonzero", {"alpha": 0.0}
            elif op == "gelu":
                rule, attrs = "approximate", {"approximate": rng.choice(["Tanh", "erf", "", "None"])}
            if rule:
                name = f.name(op, n, "err")
                R = g.Rand(name)
        x = data(R, rng, shape, scale=rng.choice([1.0, 3.0, 10.0, 30.0, 1e-3, 1e-30, 1e30]))
        if rng.random() < 0.15 and x.numel():
            x = torch.tensor(g.SPECIAL)[torch.randint(0, len(g.SPECIAL), shape, generator=R.g)]
        f.case(op, name, attrs, {"input": x}, rule=rule)


def fuzz_prelu(f, op="prelu"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        R = g.Rand(name)
        rank = rng.choice([1, 2, 3, 4, 4, 5])
        shape = tuple(rng.choice([0, 1, 2]) if i == 0 and rank > 1 and rng.random() < 0.2 else rng.randint(1, 5) for i in range(rank))
        C = shape[1] if rank >= 2 else 1
        wshape = rng.choice([(1,), (C,), (C,), ()])
        rule = None
        if rng.random() < 0.15:
            name = f.name(op, n, "err")
            R = g.Rand(name)
            rule, wshape = rng.choice([("weight_size", (C + 1,)), ("weight_size", (0,)), ("weight_rank", (C, 1)),
                                       ("weight_rank", (1, 1))])
            if wshape == (2,) and C == 1:
                wshape = (3,)
        w = R.randn(*wshape) if rng.random() < 0.7 else R.uniform(-1, 1, *wshape)
        f.case(op, name, {}, {"input": data(R, rng, shape), "weight": w}, rule=rule)


# ---------------------------------------------------------------------------------------------
# linear, matmul, binary
# ---------------------------------------------------------------------------------------------

def fuzz_linear(f, op="linear"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        R = g.Rand(name)
        rank = rng.randint(1, 4)
        k, o = rng.choice([0, 1, 2, 7, 16, 33, 100, 300]), rng.choice([0, 1, 1, 3, 8, 17])
        lead = tuple(rng.choice([0, 1, 2, 3]) if rng.random() < 0.2 else rng.randint(1, 4) for _ in range(rank - 1))
        xs, ws, bs = lead + (k,), (o, k), (o,) if rng.random() < 0.7 else None
        rule = None
        if rng.random() < 0.15:
            name = f.name(op, n, "err")
            R = g.Rand(name)
            rule = rng.choice(["input_rank", "weight_rank", "input_features", "bias_shape"])
            if rule == "input_rank":
                xs = ()
            elif rule == "weight_rank":
                ws = (o, k, 1)
            elif rule == "input_features":
                xs = lead + (k + 1,)
            else:
                bs = (o + 1,)
        x = data(R, rng, xs, specials=rng.random() < 0.3)
        f.case(op, name, {}, {"input": x, "weight": R.randn(*ws), "bias": None if bs is None else R.randn(*bs)}, rule=rule)


def fuzz_matmul(f, op="matmul"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        R = g.Rand(name)
        m, k, nn = rng.choice([0, 1, 2, 5, 9]), rng.choice([0, 1, 3, 16, 64, 200]), rng.choice([0, 1, 2, 5, 9])
        batch = [rng.randint(1, 3) for _ in range(rng.randint(0, 3))]
        other_batch = [1 if rng.random() < 0.3 else d for d in batch][rng.randint(0, len(batch)) if batch else 0:]
        if rng.random() < 0.3:
            batch, other_batch = [1 if rng.random() < 0.5 else d for d in batch], other_batch
        a = tuple(batch + [m, k]) if rng.random() < 0.85 else (k,)
        b = tuple(other_batch + [k, nn]) if rng.random() < 0.85 else (k,)
        rule = None
        if rng.random() < 0.15:
            name = f.name(op, n, "err")
            R = g.Rand(name)
            rule = rng.choice(["input_rank", "inner_size", "shape_mismatch"])
            if rule == "input_rank":
                a, b = rng.choice([((), b), (a, ())])
            elif rule == "inner_size":
                b = b[:-2] + (k + 1, b[-1]) if len(b) >= 2 else (k + 1,)
            else:
                a, b = (2, m, k), (3, k, nn)
        f.case(op, name, {}, {"input": data(R, rng, a, specials=rng.random() < 0.3), "other": R.randn(*b)}, rule=rule)


def broadcast_pair(rng):
    out = [rng.choice([0, 1, 2, 3, 4, 5]) if rng.random() < 0.1 else rng.randint(1, 5) for _ in range(rng.randint(0, 5))]
    a = tuple(1 if rng.random() < 0.25 else d for d in out[rng.randint(0, len(out)):])
    b = tuple(1 if rng.random() < 0.25 else d for d in out)
    return (a, b) if rng.random() < 0.5 else (b, a)


def fuzz_binary(f, op):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        R = g.Rand(name)
        a, b = broadcast_pair(rng)
        rule = None
        if rng.random() < 0.12:
            name = f.name(op, n, "err")
            R = g.Rand(name)
            rule = "shape_mismatch"
            d = rng.randint(2, 5)
            a, b = a + (d,), b + (d + rng.randint(1, 2),)
        x, y = data(R, rng, a), data(R, rng, b)
        if op == "pow":
            if rng.random() < 0.5:
                x = x.abs()
            if rng.random() < 0.5:
                y = R.ints(-4, 4, *b)
        f.case(op, name, {}, {"input": x, "other": y}, rule=rule)


# ---------------------------------------------------------------------------------------------
# upsample, resize
# ---------------------------------------------------------------------------------------------

def fuzz_upsample(f, op="upsample"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        mode = rng.choice(["nearest", "bilinear", "bicubic"])
        xs = (rng.choice([0, 1, 1, 2]), rng.randint(1, 3), size(rng, 1, 9), size(rng, 1, 9))
        align = rng.choice([None, False, True]) if mode != "nearest" else None
        recompute = rng.choice([None, None, False, True])
        if rng.random() < 0.5:
            sz = [rng.randint(1, 16), rng.randint(1, 16)]
            kw = {"size": sz if sz[0] != sz[1] or rng.random() < 0.5 else sz[0]}
            recompute = None if recompute else recompute
        else:
            sc = [rng.choice([0.5, 0.75, 1.0, 1.3, 1.5, 2.0, 2.5, 3.0, 0.34, 1.7, 4.0]) for _ in range(2)]
            if int(xs[2] * sc[0]) < 1 or int(xs[3] * sc[1]) < 1:
                sc = [2.0, 2.0]
            kw = {"scale_factor": sc if sc[0] != sc[1] or rng.random() < 0.5 else sc[0]}
        attrs = g.upsample_attrs(mode=mode, align_corners=align, recompute_scale_factor=recompute, **kw)
        rule = None
        if rng.random() < 0.15:
            name = f.name(op, n, "err")
            rule = rng.choice(["size_or_scale_factor", "recompute_with_size", "align_corners_mode", "upsample_mode",
                               "pair_length", "input_rank", "empty_input", "output_size_too_small"])
            if rule == "size_or_scale_factor":
                attrs = g.upsample_attrs(mode=mode, size=3, scale_factor=2.0) if rng.random() < 0.5 else g.upsample_attrs(mode=mode)
            elif rule == "recompute_with_size":
                attrs = g.upsample_attrs(mode=mode, size=(3, 4), recompute_scale_factor=True)
            elif rule == "align_corners_mode":
                attrs = g.upsample_attrs(mode="nearest", scale_factor=2.0, align_corners=rng.choice([False, True]))
            elif rule == "upsample_mode":
                attrs = g.upsample_attrs(mode=rng.choice(["area", "trilinear", "Bilinear", "linear"]), scale_factor=2.0)
            elif rule == "pair_length":
                attrs = g.upsample_attrs(mode=mode, size=[3, 3, 3]) if rng.random() < 0.5 else g.upsample_attrs(mode=mode, scale_factor=[2.0])
            elif rule == "input_rank":
                xs = rng.choice([xs[1:], (1,) + xs])
                attrs = g.upsample_attrs(mode=mode if mode != "nearest" or len(xs) == 3 else "bilinear", size=(3, 3) if len(xs) == 3 else 3)
                if len(xs) == 3 and mode == "nearest":
                    attrs["size"] = [3, 3]
            elif rule == "empty_input":
                xs = (1,) + rng.choice([(0, 3, 3), (2, 0, 3), (2, 3, 0)])
                attrs = g.upsample_attrs(mode=mode, size=3)
            else:
                attrs = g.upsample_attrs(mode=mode, size=rng.choice([0, (0, 3)])) if rng.random() < 0.5 else \
                    g.upsample_attrs(mode=mode, scale_factor=rng.choice([0.05, -1.0]))
        R = g.Rand(name)
        f.case(op, name, attrs, {"input": data(R, rng, xs, specials=mode == "nearest")}, rule=rule)


def fuzz_resize(f, op="resize"):
    rng = f.rng(op)
    for n in range(f.count):
        name = f.name(op, n)
        mode = rng.choice(["nearest", "linear", "cubic"])
        xs = (rng.choice([1, 1, 2]), rng.randint(1, 2), size(rng, 1, 7), size(rng, 1, 7))
        extra = {}
        if mode == "cubic" and rng.random() < 0.4:
            extra = {"cubic_coeff_a": rng.choice([-0.5, -0.75, -0.6]), "exclude_outside": rng.choice([0, 1])}
        if rng.random() < 0.5:
            kw = {"sizes": (rng.randint(1, 11), rng.randint(1, 11))}
        else:
            sc = (rng.choice([0.5, 0.6, 1.0, 1.5, 2.0, 3.0, 0.8, 1.7]), rng.choice([0.5, 1.0, 1.25, 2.0, 2.5, 0.7]))
            if int(xs[2] * sc[0]) < 1 or int(xs[3] * sc[1]) < 1:
                sc = (2.0, 2.0)
            kw = {"scales": sc}
        attrs = g.resize_attrs(mode, rng.choice(g.RESIZE_CTMS), rng.choice(g.RESIZE_NEAREST), **kw, **extra)
        R = g.Rand(name)
        # no -0.0: the expected values are onnx's reference, a weighted sum in float64 (+0.0 for a copied -0.0)
        f.case(op, name, attrs, {"input": data(R, rng, xs, specials=False) + 0.0})


# ---------------------------------------------------------------------------------------------

FUZZERS = {
    "conv2d": fuzz_conv2d, "conv_transpose2d": fuzz_conv_transpose2d, "max_pool2d": fuzz_max_pool2d,
    "avg_pool2d": fuzz_avg_pool2d, "adaptive_avg_pool2d": lambda f: fuzz_adaptive(f, "adaptive_avg_pool2d"),
    "adaptive_max_pool2d": lambda f: fuzz_adaptive(f, "adaptive_max_pool2d"),
    "global_avg_pool2d": lambda f: fuzz_global(f, "global_avg_pool2d"),
    "global_max_pool2d": lambda f: fuzz_global(f, "global_max_pool2d"), "lp_pool2d": fuzz_lp_pool2d,
    "pad": fuzz_pad, "batch_norm": fuzz_batch_norm, "linear": fuzz_linear,
    **{op: (lambda f, op=op: fuzz_binary(f, op)) for op in g.BINARY}, "matmul": fuzz_matmul,
    "upsample": fuzz_upsample, "resize": fuzz_resize,
    **{op: (lambda f, op=op: fuzz_activation(f, op)) for op in g.ACTIVATIONS}, "prelu": fuzz_prelu,
}
assert set(FUZZERS) == set(g.OPS), set(g.OPS) ^ set(FUZZERS)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="folder to write (its op folders are replaced); not the committed reference-vectors/")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=120, help="draws per op (dropped draws are not replaced)")
    ap.add_argument("--ops", default=",".join(g.OPS), help="comma-separated op names")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    if out == g.ROOT:
        sys.exit("fuzz.py: write the fuzz cases elsewhere (e.g. /tmp/fuzz), not over the committed vectors")
    warnings.simplefilter("ignore")
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    g.SEED = args.seed  # generate.Rand seeds each case's data from SEED and the case name
    f = Fuzz(args.seed, args.count)
    for op in args.ops.split(","):
        FUZZERS[op](f)
    os.makedirs(out, exist_ok=True)
    f.s.write(out)
    ops = [op for op in g.OPS if f.s.cases[op]]
    g.write_json(os.path.join(out, "manifest.json"),
                 {"format_version": g.FORMAT_VERSION, "torch_version": torch.__version__, "seed": args.seed,
                  "generated_by": f"fuzz.py --seed {args.seed} --count {args.count}", "ops": ops})
    print(f"{'op':<22}{'valid':>7}{'error':>7}{'dropped':>9}")
    for op in g.OPS:
        cases = f.s.cases[op]
        if cases or op in f.dropped:
            errors = sum("error" in c for c in cases)
            print(f"{op:<22}{len(cases) - errors:>7}{errors:>7}{len(f.dropped.get(op, [])):>9}")
    for op, drops in f.dropped.items():
        for name, why in drops[:3]:
            print(f"  dropped {name}: {why}")
    print(f"wrote {sum(len(c) for c in f.s.cases.values())} cases to {out}")


if __name__ == "__main__":
    main()
