package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The activation contracts: element-wise functions, prelu, softmax and log_softmax. */
public final class Activations {
    public static final String PRELU = "prelu";
    public static final String SOFTMAX = "softmax";
    public static final String LOG_SOFTMAX = "log_softmax";

    private Activations() {
    }

    /** Any shape; the output has the input's shape. */
    public static Tensor apply(ElementwiseKernel kernel, Tensor x, ActivationAttrs a) {
        float[] y = new float[x.size()];
        if (y.length > 0) {
            kernel.activate(a, x.buffer(), y);
        }
        return Tensor.wrap(x.shape(), y);
    }

    /** prelu: weight holds 1 slope or one per channel (dimension 1; for a 1-D input, 1 slope). */
    public static Tensor prelu(PReluKernel kernel, Tensor x, Tensor weight) {
        Shape xs = x.shape();
        OpException.check(xs.rank() >= 1, PRELU, "input_rank", "expected an input of at least 1 dimension, got input of size " + xs);
        OpException.check(weight.rank() <= 1, PRELU, "weight_rank", "expected weight to be a scalar or 1D tensor, got weight of size " + weight.shape());
        int channels = xs.rank() >= 2 ? xs.dim(1) : 1;
        OpException.check(weight.size() == 1 || weight.size() == channels, PRELU, "weight_size",
                "mismatch of parameter numbers and input channel size, got parameter numbers=" + weight.size() + ", channel size=" + channels);
        int outer = xs.rank() >= 2 ? xs.dim(0) : 1;
        float[] y = new float[x.size()];
        if (y.length > 0) {
            kernel.prelu(outer, channels, x.size() / Math.max(1, outer * channels), x.buffer(), weight.buffer(), y);
        }
        return Tensor.wrap(xs, y);
    }

    /** softmax (or log_softmax) along {@code dim}; negative dims count from the end. */
    public static Tensor softmax(SoftmaxKernel kernel, Tensor x, int dim, boolean log) {
        Shape xs = x.shape();
        String op = log ? LOG_SOFTMAX : SOFTMAX;
        int r = Math.max(1, xs.rank());
        OpException.check(dim >= -r && dim < r, op, "dim_range",
                "dimension out of range (expected to be in range of [" + -r + ", " + (r - 1) + "]), got dim=" + dim);
        int d = dim < 0 ? dim + r : dim;
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) {
            outer *= xs.dim(i);
        }
        for (int i = d + 1; i < xs.rank(); i++) {
            inner *= xs.dim(i);
        }
        int channels = xs.rank() == 0 ? 1 : xs.dim(d);
        float[] y = new float[x.size()];
        if (y.length > 0) {
            kernel.softmax(outer, channels, inner, log, x.buffer(), y);
        }
        return Tensor.wrap(xs, y);
    }

    /** Attributes of an element-wise activation from PyTorch's terms. */
    public static ActivationAttrs attrs(Activation fn, Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(fn.op(), map);
        String approximate = t.string("approximate", "none");
        OpException.check(approximate.equals("none") || approximate.equals("tanh"), fn.op(), "approximate",
                "approximate argument must be either none or tanh, got approximate='" + approximate + "'");
        // An ONNX attribute form is chosen by the attributes a node gives; absent ones take ONNX's defaults, not PyTorch's.
        if (fn == Activation.HARDSIGMOID && (t.has("alpha") || t.has("beta"))) {
            return ActivationAttrs.onnxHardsigmoid((float) t.number("alpha", ActivationAttrs.ONNX_HARDSIGMOID_ALPHA),
                    (float) t.number("beta", ActivationAttrs.ONNX_HARDSIGMOID_BETA));
        }
        if (fn == Activation.SELU && (t.has("alpha") || t.has("gamma"))) {
            return ActivationAttrs.onnxSelu((float) t.number("alpha", ActivationAttrs.ONNX_SELU_ALPHA), (float) t.number("gamma", ActivationAttrs.ONNX_SELU_GAMMA));
        }
        return new ActivationAttrs(fn, (float) t.number("negative_slope", 0.01), (float) t.number("alpha", 1),
                (float) t.number("min_val", -1), (float) t.number("max_val", 1), (float) t.number("beta", 1),
                (float) t.number("threshold", 20), approximate.equals("tanh"));
    }

    /**
     * The element-wise activations and prelu keep their input's shape and reduce nothing (prelu:
     * x >= 0 ? x : w*x, one multiplication, bit-exact as leaky_relu); softmax and log_softmax sum
     * exp over K = the size of dim, and call exp or log on every element.
     */
    static List<OpSchema> schemas() {
        List<OpSchema> schemas = new ArrayList<>();
        for (Operator o : operators()) {
            OpSchema s = OpSchema.of(o.name(), o, OpNode::input);
            Activation fn = Activation.byOp(o.name());
            if (fn != null) {
                s = s.withTolerance(fn.tolerance());
                for (String note : fn.onnxNotes()) {
                    s = s.withOnnxNote(note);
                }
            } else if (!o.name().equals(PRELU)) {
                s = s.withTolerance(ToleranceClass.REDUCTION_WITH_LIBM).withReduction(n -> softmaxLength(o.name(), n));
            }
            schemas.add(s);
        }
        return schemas;
    }

    private static int softmaxLength(String op, OpNode n) {
        Shape x = n.input();
        int r = x.rank();
        if (r == 0) {
            return 1;
        }
        int dim = new TorchAttrs(op, n.attrs()).integer("dim", defaultDim(r));
        return x.dim(dim < 0 ? dim + r : dim);
    }

    /** An omitted dim is PyTorch's _get_softmax_dim: 0 for 0-, 1- and 3-D input, else 1. */
    private static int defaultDim(int rank) {
        return rank == 0 || rank == 1 || rank == 3 ? 0 : 1;
    }

    static List<Operator> operators() {
        List<Operator> ops = new ArrayList<>();
        for (Activation fn : Activation.values()) {
            ops.add(new OperatorSpec(fn.op(), ElementwiseKernel.class, List.of("input"), (kernel, attrs, in) ->
                    Map.of("output", apply((ElementwiseKernel) kernel, Operators.required(fn.op(), in, "input"), attrs(fn, attrs)))));
        }
        ops.add(new OperatorSpec(PRELU, PReluKernel.class, List.of("input", "weight"), (kernel, attrs, in) ->
                Map.of("output", prelu((PReluKernel) kernel, Operators.required(PRELU, in, "input"), Operators.required(PRELU, in, "weight")))));
        for (boolean log : new boolean[] {false, true}) {
            String op = log ? LOG_SOFTMAX : SOFTMAX;
            ops.add(new OperatorSpec(op, SoftmaxKernel.class, List.of("input"), (kernel, attrs, in) -> {
                Tensor x = Operators.required(op, in, "input");
                int dim = new TorchAttrs(op, attrs).integer("dim", defaultDim(x.rank()));
                return Map.of("output", softmax((SoftmaxKernel) kernel, x, dim, log));
            }));
        }
        return ops;
    }
}
