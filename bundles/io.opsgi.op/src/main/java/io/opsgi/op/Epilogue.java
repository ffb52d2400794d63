package io.opsgi.op;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a prepared convolution does to each output value after its sum (bias included) and before
 * it is stored, so that the layers a network puts after a convolution cost no pass of their own:
 * <pre>
 * y[n,c,i] = act( y[n,c,i]·scale[c] + shift[c] + residual[n,c,i] )
 * </pre>
 * each part optional: {@code scale}/{@code shift} a per-output-channel affine map (an inference
 * batch norm that was not folded into the weights), {@code residual} a tensor of the output's shape
 * given with each run (a residual connection), {@code act} one of the activations in
 * {@link #FUSABLE}. Every step rounds to float as the separate layer would: the multiply and the
 * add of the affine map are two roundings (not an FMA), the residual add one, the activation as the
 * reference activation kernel computes it (same formula, same order; bit-exact ones stay bit-exact).
 */
public final class Epilogue {
    /** The activations an epilogue applies: the ones that follow convolutions in CNNs. */
    public static final Set<Activation> FUSABLE = Set.copyOf(EnumSet.of(Activation.RELU, Activation.RELU6, Activation.HARDTANH,
            Activation.LEAKY_RELU, Activation.HARDSWISH, Activation.HARDSIGMOID, Activation.SILU, Activation.SIGMOID));

    /** Nothing after the sum: the plain convolution. */
    public static final Epilogue NONE = new Epilogue(null, null, false, null);

    private final float[] scale, shift;
    private final boolean residual;
    private final ActivationAttrs activation;

    private Epilogue(float[] scale, float[] shift, boolean residual, ActivationAttrs activation) {
        this.scale = scale;
        this.shift = shift;
        this.residual = residual;
        this.activation = activation;
    }

    /**
     * An epilogue; each argument may be null (false) for "none". {@code scale} and {@code shift} are
     * copied; their length is checked against the output channels when a kernel prepares with it.
     */
    public static Epilogue of(float[] scale, float[] shift, boolean residual, ActivationAttrs activation) {
        if (activation != null && !fusable(activation)) {
            throw new IllegalArgumentException("an epilogue applies " + FUSABLE + " in PyTorch's form, not " + activation.fn().op()
                    + (activation.onnxForm() ? " in ONNX's form" : ""));
        }
        return new Epilogue(scale == null ? null : scale.clone(), shift == null ? null : shift.clone(), residual, activation);
    }

    /** This epilogue followed by {@code activation} (which must be {@link #FUSABLE} and none must be set yet). */
    public Epilogue withActivation(ActivationAttrs activation) {
        if (this.activation != null) {
            throw new IllegalStateException("the epilogue already applies " + this.activation.fn().op());
        }
        return of(scale, shift, residual, activation);
    }

    /** This epilogue adding a residual tensor before its activation. */
    public Epilogue withResidual() {
        if (activation != null) {
            throw new IllegalStateException("a residual add comes before the activation " + activation.fn().op());
        }
        return new Epilogue(scale, shift, true, null);
    }

    /** Whether an epilogue can apply {@code a}: a {@link #FUSABLE} function in PyTorch's form (ONNX's HardSigmoid, alpha·x + beta, runs as its own layer). */
    public static boolean fusable(ActivationAttrs a) {
        return a != null && FUSABLE.contains(a.fn()) && !(a.fn() == Activation.HARDSIGMOID && a.onnxForm());
    }

    public boolean isNone() {
        return scale == null && shift == null && !residual && activation == null;
    }

    /** Whether each run takes a residual tensor of the output's shape. */
    public boolean residual() {
        return residual;
    }

    /** The per-channel scale, or null: the epilogue's own array, to read and never write. */
    public float[] scale() {
        return scale;
    }

    /** The per-channel shift, or null: the epilogue's own array, to read and never write. */
    public float[] shift() {
        return shift;
    }

    /** The activation applied last, or null. */
    public ActivationAttrs activation() {
        return activation;
    }

    /** Checks the per-channel arrays against {@code channels} output channels (before a kernel allocates anything). */
    public void check(int channels) {
        if ((scale != null && scale.length != channels) || (shift != null && shift.length != channels)) {
            throw new IllegalArgumentException("epilogue: scale and shift need " + channels + " values (one per output channel), got "
                    + (scale == null ? "-" : scale.length) + " and " + (shift == null ? "-" : shift.length));
        }
    }

    /**
     * Applies the epilogue to {@code y[at .. at+length)}, all of output channel {@code channel};
     * {@code residual} (the output's shape, or null when {@link #residual()} is false) is read at the
     * same indices.
     */
    public void apply(float[] y, int at, int length, int channel, float[] residual) {
        if (isNone()) {
            return;
        }
        float s = scale == null ? 1f : scale[channel], t = shift == null ? 0f : shift[channel];
        boolean affine = scale != null || shift != null;
        for (int i = at, end = at + length; i < end; i++) {
            float v = y[i];
            if (affine) {
                v = v * s + t;
            }
            if (this.residual) {
                v += residual[i];
            }
            y[i] = activation == null ? v : activate(v);
        }
    }

    /**
     * Applies the epilogue to a whole NCHW output of {@code channels} channels with {@code plane}
     * values each (what a kernel does when it has no cheaper place for it).
     */
    public void applyAll(float[] y, int channels, int plane, float[] residual) {
        if (isNone() || plane == 0) {
            return;
        }
        for (int p = 0, at = 0; at < y.length; p++, at += plane) {
            apply(y, at, plane, p % channels, residual);
        }
    }

    /** The activation of one value, as the reference activation kernel computes it. */
    public float activate(float v) {
        ActivationAttrs a = activation;
        if (a == null) {
            return v;
        }
        switch (a.fn()) {
            case RELU:
                return v < 0 ? 0f : v;
            case RELU6:
                return cppMin(cppMax(v, 0f), 6f);
            case HARDTANH:
                return cppMin(cppMax(v, a.minVal()), a.maxVal());
            case LEAKY_RELU:
                return v > 0 ? v : v * a.negativeSlope();
            case HARDSWISH:
                return v * cppMin(cppMax(v + 3f, 0f), 6f) / 6f;
            case HARDSIGMOID:
                return cppMin(cppMax(v + 3f, 0f), 6f) / 6f;
            case SILU:
                return v / (1f + (float) Math.exp(-v));
            case SIGMOID:
                return 1f / (1f + (float) Math.exp(-v));
            default:
                throw new IllegalStateException("not fusable: " + a.fn());
        }
    }

    /** C++ std::max(a, b) = (a &lt; b) ? b : a: returns a when either is NaN (as ATen's clamp does). */
    private static float cppMax(float a, float b) {
        return a < b ? b : a;
    }

    private static float cppMin(float a, float b) {
        return b < a ? b : a;
    }

    /** e.g. {@code scale+shift, +residual, relu}; {@code none}. */
    public String describe() {
        if (isNone()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        if (scale != null || shift != null) {
            sb.append("scale+shift");
        }
        if (residual) {
            sb.append(sb.length() == 0 ? "" : ", ").append("+residual");
        }
        if (activation != null) {
            sb.append(sb.length() == 0 ? "" : ", ").append(activation.fn().op());
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Epilogue e && residual == e.residual && Arrays.equals(scale, e.scale) && Arrays.equals(shift, e.shift)
                && Objects.equals(activation, e.activation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(scale), Arrays.hashCode(shift), residual, activation);
    }

    @Override
    public String toString() {
        return "Epilogue[" + describe() + "]";
    }
}
