package io.opsgi.kernel.support;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Epilogue;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Epilogue#apply} with the Vector API, for the kernels that apply an epilogue in their output
 * loop: the same operations in the same order (multiply, then add, then the residual add, each
 * rounded; the activation's selections and arithmetic as the reference activation kernel does them,
 * NaN and -0.0 included), so results are {@link Epilogue#apply}'s bit for bit. The activations built
 * on exp (silu, sigmoid) and the rest of a row shorter than a vector go through {@link Epilogue#apply}.
 * The scalar loop measured ~1.5 ns per element (a switch per value), more than the fused layers saved.
 *
 * <p>A kernel that applies the epilogue to many short pieces (a GEMM to each tile it stores) resolves
 * it once ({@link #of}) instead of per call.
 */
public final class VectorEpilogue {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    /** The activation kinds of the vector loop; EXP_OR_OTHER goes through {@link Epilogue#apply}. */
    private static final int NO_ACTIVATION = 0, RELU = 1, CLAMP = 2, LEAKY = 3, HARDSWISH = 4, HARDSIGMOID = 5, EXP_OR_OTHER = -1;

    private final Epilogue e;
    private final int kind;
    private final float lo, hi, slope;
    private final boolean affine, add;
    private final float[] scale, shift;

    private VectorEpilogue(Epilogue e) {
        this.e = e;
        ActivationAttrs a = e.activation();
        this.kind = kind(a);
        this.lo = a == null ? 0f : a.fn() == Activation.RELU6 ? 0f : a.minVal();
        this.hi = a == null ? 0f : a.fn() == Activation.RELU6 ? 6f : a.maxVal();
        this.slope = a == null ? 0f : a.negativeSlope();
        this.affine = e.scale() != null || e.shift() != null;
        this.add = e.residual();
        this.scale = e.scale();
        this.shift = e.shift();
    }

    /** {@code e} resolved for many calls of {@link #apply(float[], int, int, int, float[])}; null for {@link Epilogue#NONE}. */
    public static VectorEpilogue of(Epilogue e) {
        return e.isNone() ? null : new VectorEpilogue(e);
    }

    /** As {@link Epilogue#apply}: {@code y[at .. at+length)} of output channel {@code channel}. */
    public static void apply(Epilogue e, float[] y, int at, int length, int channel, float[] residual) {
        if (e.isNone()) {
            return;
        }
        ActivationAttrs a = e.activation();
        int kind = kind(a);
        float lo = a == null ? 0f : a.fn() == Activation.RELU6 ? 0f : a.minVal();
        float hi = a == null ? 0f : a.fn() == Activation.RELU6 ? 6f : a.maxVal();
        run(e, kind, lo, hi, a == null ? 0f : a.negativeSlope(), y, at, length, channel, residual);
    }

    /** As {@link Epilogue#apply}: {@code y[at .. at+length)} of output channel {@code channel}. */
    public void apply(float[] y, int at, int length, int channel, float[] residual) {
        run(e, kind, lo, hi, slope, y, at, length, channel, residual);
    }

    /**
     * {@code rows} rows of {@code length} values, row r at {@code y[at + r·ld ..]} and of output channel
     * {@code channel + r}: a tile of a GEMM whose rows are channels, just stored and still in L1. One call
     * per tile, its constants set up once, each part a loop of its own (a call per row of two vectors cost more
     * than the product of a small K). The arithmetic is {@link #apply}'s, bit for bit.
     */
    public void applyRows(float[] y, int at, int ld, int rows, int length, int channel, float[] residual) {
        if (kind == EXP_OR_OTHER || length % LANES != 0) {
            for (int r = 0; r < rows; r++, at += ld) {
                run(e, kind, lo, hi, slope, y, at, length, channel + r, residual);
            }
            return;
        }
        if (affine || add) {
            for (int r = 0, row = at; r < rows; r++, row += ld) {
                float s = scale == null ? 1f : scale[channel + r], t = shift == null ? 0f : shift[channel + r];
                for (int i = row, end = row + length; i < end; i += LANES) {
                    FloatVector v = FloatVector.fromArray(S, y, i);
                    if (affine) {
                        v = v.mul(s).add(t);
                    }
                    if (add) {
                        v = v.add(FloatVector.fromArray(S, residual, i));
                    }
                    v.intoArray(y, i);
                }
            }
        }
        // The activation as a loop of its own per kind: no branch per vector. (Stored and reloaded in between:
        // each step rounds to float anyway, so the bits are those of one pass.)
        switch (kind) {
            case RELU -> relu(y, at, ld, rows, length);
            case CLAMP -> clamp(y, at, ld, rows, length, lo, hi);
            case LEAKY -> leaky(y, at, ld, rows, length, slope);
            case HARDSWISH, HARDSIGMOID -> hard(y, at, ld, rows, length, kind == HARDSWISH);
            default -> { }
        }
    }

    private static void relu(float[] y, int at, int ld, int rows, int length) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++, at += ld) {
            for (int i = at, end = at + length; i < end; i += LANES) {
                FloatVector v = FloatVector.fromArray(S, y, i);
                v.blend(zero, v.compare(VectorOperators.LT, 0f)).intoArray(y, i);
            }
        }
    }

    private static void clamp(float[] y, int at, int ld, int rows, int length, float lo, float hi) {
        FloatVector low = FloatVector.broadcast(S, lo), high = FloatVector.broadcast(S, hi);
        for (int r = 0; r < rows; r++, at += ld) {
            for (int i = at, end = at + length; i < end; i += LANES) {
                cppMin(cppMax(FloatVector.fromArray(S, y, i), low), high).intoArray(y, i);
            }
        }
    }

    private static void leaky(float[] y, int at, int ld, int rows, int length, float slope) {
        for (int r = 0; r < rows; r++, at += ld) {
            for (int i = at, end = at + length; i < end; i += LANES) {
                FloatVector v = FloatVector.fromArray(S, y, i);
                v.blend(v.mul(slope), v.compare(VectorOperators.GT, 0f).not()).intoArray(y, i);
            }
        }
    }

    private static void hard(float[] y, int at, int ld, int rows, int length, boolean swish) {
        FloatVector zero = FloatVector.zero(S), three = FloatVector.broadcast(S, 3f), six = FloatVector.broadcast(S, 6f);
        for (int r = 0; r < rows; r++, at += ld) {
            for (int i = at, end = at + length; i < end; i += LANES) {
                FloatVector v = FloatVector.fromArray(S, y, i), gate = cppMin(cppMax(v.add(three), zero), six);
                (swish ? v.mul(gate) : gate).div(six).intoArray(y, i);
            }
        }
    }

    private static int kind(ActivationAttrs a) {
        return a == null ? NO_ACTIVATION : switch (a.fn()) {
            case RELU -> RELU;
            case RELU6, HARDTANH -> CLAMP;
            case LEAKY_RELU -> LEAKY;
            case HARDSWISH -> HARDSWISH;
            case HARDSIGMOID -> HARDSIGMOID;
            default -> EXP_OR_OTHER;
        };
    }

    private static void run(Epilogue e, int kind, float lo, float hi, float slope, float[] y, int at, int length, int channel,
            float[] residual) {
        if (kind == EXP_OR_OTHER) {
            e.apply(y, at, length, channel, residual);
            return;
        }
        boolean affine = e.scale() != null || e.shift() != null, add = e.residual();
        float s = e.scale() == null ? 1f : e.scale()[channel], t = e.shift() == null ? 0f : e.shift()[channel];
        FloatVector zero = FloatVector.zero(S), three = FloatVector.broadcast(S, 3f), six = FloatVector.broadcast(S, 6f);
        int i = at, end = at + length, vectorEnd = at + length / LANES * LANES;
        for (; i < vectorEnd; i += LANES) {
            FloatVector v = FloatVector.fromArray(S, y, i);
            if (affine) {
                v = v.mul(s).add(t);
            }
            if (add) {
                v = v.add(FloatVector.fromArray(S, residual, i));
            }
            switch (kind) {
                case RELU -> v = v.blend(zero, v.compare(VectorOperators.LT, 0f));                        // v < 0 ? 0 : v
                case CLAMP -> v = cppMin(cppMax(v, FloatVector.broadcast(S, lo)), FloatVector.broadcast(S, hi));
                case LEAKY -> v = v.blend(v.mul(slope), v.compare(VectorOperators.GT, 0f).not());      // v > 0 ? v : v*slope
                case HARDSWISH -> v = v.mul(cppMin(cppMax(v.add(three), zero), six)).div(six);
                case HARDSIGMOID -> v = cppMin(cppMax(v.add(three), zero), six).div(six);
                default -> { }
            }
            v.intoArray(y, i);
        }
        if (i < end) {
            e.apply(y, i, end - i, channel, residual);
        }
    }

    /**
     * {@link Epilogue#apply} on channel-blocked values (a kept layout between convs): {@code count} vectors at
     * {@code y[at + p·LANES]}, lane l of each is output channel {@code k0 + l} (only the first {@code lanes} are
     * real); the residual, if the epilogue adds one, at {@code residual[rAt + p·LANES]}. The same operations in
     * the same order as {@link Epilogue#apply}, so the results are its bits; exp-based activations and
     * per-channel scale/shift past a whole vector go value by value through it.
     */
    public static void applyBlocked(Epilogue e, float[] y, int at, int count, int k0, int lanes, float[] residual, int rAt) {
        if (e.isNone()) {
            return;
        }
        ActivationAttrs a = e.activation();
        int kind = a == null ? 0 : switch (a.fn()) {
            case RELU -> 1;
            case RELU6, HARDTANH -> 2;
            case LEAKY_RELU -> 3;
            case HARDSWISH -> 4;
            case HARDSIGMOID -> 5;
            default -> -1;
        };
        boolean affine = e.scale() != null || e.shift() != null, add = e.residual();
        int perChannel = e.scale() != null ? e.scale().length : e.shift() != null ? e.shift().length : Integer.MAX_VALUE;
        if (kind < 0 || lanes != LANES || affine && k0 + LANES > perChannel) {
            for (int p = 0; p < count; p++) {
                for (int l = 0; l < lanes; l++) {
                    int i = at + p * LANES + l;
                    float v = y[i];
                    if (affine) {
                        v = v * (e.scale() == null ? 1f : e.scale()[k0 + l]) + (e.shift() == null ? 0f : e.shift()[k0 + l]);
                    }
                    if (add) {
                        v += residual[rAt + p * LANES + l];
                    }
                    y[i] = e.activate(v);
                }
            }
            return;
        }
        // Never null, affine or not (used only if affine): Temurin 25's C2 crashed on nullable vector locals (PointwiseStrips.store).
        FloatVector s = affine && e.scale() != null ? FloatVector.fromArray(S, e.scale(), k0) : FloatVector.broadcast(S, 1f);
        FloatVector t = affine && e.shift() != null ? FloatVector.fromArray(S, e.shift(), k0) : FloatVector.zero(S);
        float lo = a == null ? 0f : a.fn() == io.opsgi.op.Activation.RELU6 ? 0f : a.minVal();
        float hi = a == null ? 0f : a.fn() == io.opsgi.op.Activation.RELU6 ? 6f : a.maxVal();
        float slope = a == null ? 0f : a.negativeSlope();
        FloatVector zero = FloatVector.zero(S), three = FloatVector.broadcast(S, 3f), six = FloatVector.broadcast(S, 6f);
        for (int p = 0; p < count; p++) {
            int i = at + p * LANES;
            FloatVector v = FloatVector.fromArray(S, y, i);
            if (affine) {
                v = v.mul(s).add(t);
            }
            if (add) {
                v = v.add(FloatVector.fromArray(S, residual, rAt + p * LANES));
            }
            switch (kind) {
                case 1 -> v = v.blend(zero, v.compare(VectorOperators.LT, 0f));
                case 2 -> v = cppMin(cppMax(v, FloatVector.broadcast(S, lo)), FloatVector.broadcast(S, hi));
                case 3 -> v = v.blend(v.mul(slope), v.compare(VectorOperators.GT, 0f).not());
                case 4 -> v = v.mul(cppMin(cppMax(v.add(three), zero), six)).div(six);
                case 5 -> v = cppMin(cppMax(v.add(three), zero), six).div(six);
                default -> { }
            }
            v.intoArray(y, i);
        }
    }

    /**
     * Whether {@link #applyInRegisters} computes this epilogue (everything but the exp-based activations, which go
     * through {@link #applyBlocked} once the values are stored).
     */
    public boolean inRegisters() {
        return kind != EXP_OR_OTHER;
    }

    /**
     * {@link #applyBlocked} on one channel-blocked vector still in registers (a kernel's accumulator before its store):
     * {@code scale} and {@code shift} are the lanes' per-channel values (used only if the epilogue has them), the
     * residual vector at {@code residual[rAt]} (only if it adds one). The same operations in the same order, so the
     * same bits. Only where {@link #inRegisters}.
     */
    public FloatVector applyInRegisters(FloatVector v, FloatVector scale, FloatVector shift, float[] residual, int rAt) {
        if (affine) {
            v = v.mul(scale).add(shift);
        }
        if (add) {
            v = v.add(FloatVector.fromArray(S, residual, rAt));
        }
        return switch (kind) {
            case RELU -> v.blend(0f, v.compare(VectorOperators.LT, 0f));
            case CLAMP -> cppMin(cppMax(v, FloatVector.broadcast(S, lo)), FloatVector.broadcast(S, hi));
            case LEAKY -> v.blend(v.mul(slope), v.compare(VectorOperators.GT, 0f).not());
            case HARDSWISH -> v.mul(cppMin(cppMax(v.add(3f), FloatVector.zero(S)), FloatVector.broadcast(S, 6f))).div(6f);
            case HARDSIGMOID -> cppMin(cppMax(v.add(3f), FloatVector.zero(S)), FloatVector.broadcast(S, 6f)).div(6f);
            default -> v;
        };
    }

    /** C++ std::max(a, b) = (a &lt; b) ? b : a, per lane. */
    private static FloatVector cppMax(FloatVector a, FloatVector b) {
        VectorMask<Float> less = a.compare(VectorOperators.LT, b);
        return a.blend(b, less);
    }

    /** C++ std::min(a, b) = (b &lt; a) ? b : a, per lane. */
    private static FloatVector cppMin(FloatVector a, FloatVector b) {
        VectorMask<Float> less = b.compare(VectorOperators.LT, a);
        return a.blend(b, less);
    }
}
