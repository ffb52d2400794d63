package io.opsgi.kernel.support;

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
 */
public final class VectorEpilogue {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();

    private VectorEpilogue() {
    }

    /** As {@link Epilogue#apply}: {@code y[at .. at+length)} of output channel {@code channel}. */
    public static void apply(Epilogue e, float[] y, int at, int length, int channel, float[] residual) {
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
        if (kind < 0) {
            e.apply(y, at, length, channel, residual);
            return;
        }
        boolean affine = e.scale() != null || e.shift() != null, add = e.residual();
        float s = e.scale() == null ? 1f : e.scale()[channel], t = e.shift() == null ? 0f : e.shift()[channel];
        float lo = a == null ? 0f : a.fn() == io.opsgi.op.Activation.RELU6 ? 0f : a.minVal();
        float hi = a == null ? 0f : a.fn() == io.opsgi.op.Activation.RELU6 ? 6f : a.maxVal();
        float slope = a == null ? 0f : a.negativeSlope();
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
                case 1 -> v = v.blend(zero, v.compare(VectorOperators.LT, 0f));                        // v < 0 ? 0 : v
                case 2 -> v = cppMin(cppMax(v, FloatVector.broadcast(S, lo)), FloatVector.broadcast(S, hi));
                case 3 -> v = v.blend(v.mul(slope), v.compare(VectorOperators.GT, 0f).not());      // v > 0 ? v : v*slope
                case 4 -> v = v.mul(cppMin(cppMax(v.add(three), zero), six)).div(six);
                case 5 -> v = cppMin(cppMax(v.add(three), zero), six).div(six);
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
        FloatVector s = affine ? (e.scale() == null ? FloatVector.broadcast(S, 1f) : FloatVector.fromArray(S, e.scale(), k0)) : null;
        FloatVector t = affine ? (e.shift() == null ? FloatVector.zero(S) : FloatVector.fromArray(S, e.shift(), k0)) : null;
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
