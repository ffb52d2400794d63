package io.opsgi.op;

import java.util.Arrays;
import java.util.Objects;

/**
 * Attributes of F.pad: {@code pads} in PyTorch's order, last dimension first ({@code (left, right)}
 * or {@code (left, right, top, bottom)}); negative entries crop. {@code value} is the fill of
 * constant mode; the other modes take none (null, or 0 as PyTorch 1.13 tolerates).
 */
public record PadAttrs(int[] pads, PadMode mode, Float value) {
    public PadAttrs {
        Objects.requireNonNull(mode, "mode");
        pads = pads.clone();
        OpException.check(pads.length % 2 == 0, Pad.OP, "pad_length", "padding length must be divisible by 2, got " + pads.length);
        OpException.check(pads.length == 2 || pads.length == 4, Pad.OP, "pad_length",
                "only 1-D and 2-D padding (2 or 4 values) is supported, got " + pads.length + " values");
        // ATen's _pad_enum: !value.has_value() || *value == 0, so a fill of (-)0 passes for every mode.
        OpException.check(value == null || mode == PadMode.CONSTANT || value == 0f, Pad.OP, "value_needs_constant",
                "padding mode \"" + mode + "\" doesn't take in value argument, got value=" + value);
    }

    public static PadAttrs constant(float value, int... pads) {
        return new PadAttrs(pads, PadMode.CONSTANT, value);
    }

    public static PadAttrs of(PadMode mode, int... pads) {
        return new PadAttrs(pads, mode, null);
    }

    @Override
    public int[] pads() {
        return pads.clone();
    }

    /** The fill value of constant mode (0 by default). */
    public float fill() {
        return value == null ? 0f : value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PadAttrs p && Arrays.equals(pads, p.pads) && mode == p.mode && Objects.equals(value, p.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(pads), mode, value);
    }

    @Override
    public String toString() {
        return "PadAttrs[pads=" + Arrays.toString(pads) + ", mode=" + mode + (value == null ? "" : ", value=" + value) + "]";
    }
}
