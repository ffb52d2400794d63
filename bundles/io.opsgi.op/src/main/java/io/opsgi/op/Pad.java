package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The pad contract: F.pad with constant, reflect, replicate and circular modes, PyTorch 1.13 limits. */
public final class Pad {
    public static final String OP = "pad";

    private Pad() {
    }

    public static Shape outputShape(Shape input, PadAttrs a) {
        return plan(input, a).out;
    }

    public static Tensor apply(PadKernel kernel, Tensor input, PadAttrs a) {
        Plan p = plan(input.shape(), a);
        if (p.out.size() > 0 && a.mode() == PadMode.CIRCULAR && Arrays.stream(a.pads()).anyMatch(v -> v < 0)) {
            // ATen 1.13's _pad_circular copies the cropped input, then wraps that copy: crop first (a
            // constant-mode narrow), then wrap what is left. plan() has refused wraps past the crop.
            int[] pads = a.pads();
            Tensor cropped = apply(kernel, input, new PadAttrs(Arrays.stream(pads).map(v -> Math.min(v, 0)).toArray(), PadMode.CONSTANT, null));
            return apply(kernel, cropped, PadAttrs.of(PadMode.CIRCULAR, Arrays.stream(pads).map(v -> Math.max(v, 0)).toArray()));
        }
        float[] y = new float[p.out.size()];
        if (y.length > 0) {
            kernel.pad(p.geometry, a.mode(), a.fill(), input.buffer(), y);
        }
        return Tensor.wrap(p.out, y);
    }

    private record Plan(PadGeometry geometry, Shape out) {
    }

    private static Plan plan(Shape xs, PadAttrs a) {
        int[] pads = a.pads();
        int r = xs.rank();
        int padded = pads.length / 2;
        OpException.check(pads.length <= 2 * r, OP, "pad_length", "padding length too large, got " + pads.length + " values for input of size " + xs);
        PadMode mode = a.mode();
        boolean rankOk = switch (mode) {
            case CONSTANT -> r >= padded;
            case REFLECT, REPLICATE -> r == padded + 1 || r == padded + 2;
            case CIRCULAR -> r == padded + 2;
        };
        OpException.check(rankOk, OP, "pad_mode_rank", mode + " padding of " + pads.length + " values is not supported for " + r
                + "-D input, got input of size " + xs);
        if (mode == PadMode.REFLECT || mode == PadMode.REPLICATE) {
            // The batch dimension (if any) may be 0; the others may not.
            int first = r == padded + 2 ? 1 : 0;
            for (int d = first; d < r; d++) {
                OpException.check(xs.dim(d) > 0, OP, "empty_input", mode + " padding needs non-zero channel and spatial sizes, got input of size " + xs);
            }
        }
        checkModeLimits(OP, xs, pads, mode);
        if (mode == PadMode.CONSTANT) {
            checkNarrow(xs, pads);
        }
        long[] out = Arrays.stream(xs.toArray()).asLongStream().toArray();
        for (int i = 0; i < padded; i++) {
            int d = r - 1 - i;
            long size = (long) xs.dim(d) + pads[2 * i] + pads[2 * i + 1];
            OpException.check(size >= 0, OP, "output_size_too_small", "the input size " + xs.dim(d) + ", plus padding " + pads[2 * i]
                    + " and " + pads[2 * i + 1] + " resulted in a negative output size " + size + " at dimension " + d);
            out[d] = size;
        }
        Shape outShape = Shapes.output(OP, out);
        boolean anyPositive = false;
        boolean anyEmptyOut = false;
        boolean allEmptyOut = true;
        for (int i = 0; i < padded; i++) {
            anyPositive |= pads[2 * i] > 0 || pads[2 * i + 1] > 0;
            anyEmptyOut |= out[r - 1 - i] == 0;
            allEmptyOut &= out[r - 1 - i] == 0;
        }
        boolean emptyOk = switch (mode) {
            // constant_pad_nd: a pure crop (no pad > 0) is a narrow and may reach 0; otherwise every padded
            // dimension must come out > 0 ("resulted in a negative output size").
            case CONSTANT -> !anyPositive || !anyEmptyOut;
            // reflection/replication_pad1d need output W >= 1; the 2-D forms refuse only H and W both < 1.
            case REFLECT, REPLICATE -> !allEmptyOut;
            // _pad_circular only refuses negative sizes.
            case CIRCULAR -> true;
        };
        OpException.check(emptyOk, OP, "output_size_too_small",
                "padding of input size " + xs + " by " + Arrays.toString(pads) + " gives an empty dimension, got output size " + outShape);
        if (mode == PadMode.CIRCULAR) {
            checkWrapAfterCrop(xs, pads, outShape.size() == 0);
        }
        int inW = xs.dim(r - 1), outW = outShape.dim(r - 1);
        int inH = padded == 2 ? xs.dim(r - 2) : 1, outH = padded == 2 ? outShape.dim(r - 2) : 1;
        int outer = 1;
        for (int d = 0; d < r - padded; d++) {
            outer *= xs.dim(d);
        }
        int top = padded == 2 ? pads[2] : 0;
        return new Plan(new PadGeometry(outer, inH, inW, outH, outW, top, pads[0]), outShape);
    }

    /**
     * constant_pad_nd (ATen 1.13) narrows each side before it pads, dimension by dimension (H before W):
     * a left crop past the size fails in narrow's dimension wrap ("Dimension out of range"), a right crop
     * past what the left crop left fails its length check ("start (0) + length (-1) exceeds dimension
     * size"), whatever the other side adds afterwards.
     */
    private static void checkNarrow(Shape xs, int[] pads) {
        int r = xs.rank();
        for (int i = pads.length / 2 - 1; i >= 0; i--) {
            int d = r - 1 - i, size = xs.dim(d), lo = pads[2 * i], hi = pads[2 * i + 1];
            long left = (long) size + Math.min(lo, 0);
            OpException.check(left >= 0 && left + Math.min(hi, 0) >= 0, OP, "crop_too_large",
                    "cropping more than the input holds (each side is narrowed before padding), got padding (" + lo + ", " + hi
                            + ") at dimension " + d + " of input size " + size);
        }
    }

    /**
     * _pad_circular (ATen 1.13) checks each pad against the uncropped size, but wraps the cropped copy: a
     * positive pad larger than what the crop left reads output memory it never wrote (new_empty), so the
     * result is garbage or an overlap/broadcast error. Refused; an empty output has nothing to read, unless
     * a crop went past the input (then 1.13's slices go wrong: some raise, some give an empty tensor).
     */
    private static void checkWrapAfterCrop(Shape xs, int[] pads, boolean emptyOutput) {
        int r = xs.rank();
        for (int i = 0; i < pads.length / 2; i++) {
            int d = r - 1 - i, size = xs.dim(d), lo = pads[2 * i], hi = pads[2 * i + 1];
            long kept = (long) size + Math.min(lo, 0) + Math.min(hi, 0);
            OpException.check(lo <= kept && hi <= kept || emptyOutput && kept >= 0, OP, "circular_wrap_past_crop",
                    "circular padding wraps the cropped input and may not exceed it (PyTorch 1.13 reads unwritten memory), got padding ("
                            + lo + ", " + hi + ") at dimension " + d + " of input size " + size + ", " + Math.max(kept, 0) + " left after cropping");
        }
    }

    /** Reflect needs every pad below the size; circular at most the size (wrapping around once). */
    static void checkModeLimits(String op, Shape xs, int[] pads, PadMode mode) {
        int r = xs.rank();
        for (int i = 0; i < pads.length / 2; i++) {
            int d = r - 1 - i, size = xs.dim(d), lo = pads[2 * i], hi = pads[2 * i + 1];
            if (mode == PadMode.REFLECT) {
                OpException.check(lo < size && hi < size, op, "reflect_pad_too_large",
                        "padding size should be less than the corresponding input dimension, got padding (" + lo + ", " + hi
                                + ") at dimension " + d + " of input size " + size);
            } else if (mode == PadMode.CIRCULAR) {
                OpException.check(lo <= size && hi <= size, op, "circular_pad_too_large",
                        "padding value causes wrapping around more than once, got padding (" + lo + ", " + hi + ") at dimension " + d
                                + " of input size " + size);
            }
        }
    }

    /** A padded copy of a 4-D tensor (pads in F.pad order, H and W), used by conv2d's padding modes. */
    static Tensor materialize(Tensor x, int[] pads, PadMode mode) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = h + pads[2] + pads[3], ow = w + pads[0] + pads[1];
        float[] src = x.buffer();
        float[] dst = new float[n * c * oh * ow];
        for (int plane = 0; plane < n * c; plane++) {
            for (int i = 0; i < oh; i++) {
                int si = mode.source(i - pads[2], h);
                for (int j = 0; j < ow; j++) {
                    int sj = mode.source(j - pads[0], w);
                    dst[(plane * oh + i) * ow + j] = si < 0 || sj < 0 ? 0f : src[(plane * h + si) * w + sj];
                }
            }
        }
        return Tensor.wrap(Shape.of(n, c, oh, ow), dst);
    }

    public static PadAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        PadMode mode = PadMode.fromTorch(OP, "pad_mode", t.string("mode", "constant"));
        Float value = t.has("value") ? (float) t.number("value", 0) : null;
        return new PadAttrs(t.ints("pad"), mode, value);
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, PadKernel.class, List.of("input"), (kernel, attrs, in) -> {
        return Map.of("output", apply((PadKernel) kernel, Operators.required(OP, in, "input"), attrs(attrs)));
    });

    /** A copy: bit-exact. Padding shifts what an output sees, it does not widen it. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), attrs(n.attrs())));
}
