package io.opsgi.op;

import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** The max_pool2d contract. */
public final class MaxPool2d {
    public static final String OP = "max_pool2d";

    private MaxPool2d() {
    }

    public static Shape outputShape(Shape input, MaxPool2dAttrs a) {
        return Shapes.unbatch(geometry(input, a).outputShape(), input.rank());
    }

    public static Tensor apply(MaxPool2dKernel kernel, Tensor input, MaxPool2dAttrs a) {
        return run(kernel, input, a, false).output();
    }

    public static Pooled applyWithIndices(MaxPool2dKernel kernel, Tensor input, MaxPool2dAttrs a) {
        return run(kernel, input, a, true);
    }

    /** The batched geometry of max_pool2d of an input of shape {@code xs}, validated as {@link #apply} validates it. */
    public static PoolGeometry geometry(Shape xs, MaxPool2dAttrs a) {
        return a.onnx() ? Pooling.geometry(OP, xs, a.kernel(), a.stride(), a.pads(), a.dilation(), a.ceilMode(), true)
                : Pooling.geometry(OP, xs, a.kernel(), a.stride(), a.padding(), a.dilation(), a.ceilMode());
    }

    /**
     * ONNX form only: a dilated window can miss the input entirely (k=2, d=3, pad 1 on a 2x2 input).
     * ONNX Runtime 1.29 then outputs its running maximum's start, {@code numeric_limits<float>::lowest()}
     * = -3.4028235e38 (run against ORT's Java API), where PyTorch's rule gives -inf and an index
     * outside the plane; the kernels compute PyTorch's, and this sets those outputs, whatever the
     * kernel wrote, to ORT's value and their index to -1 (the ONNX reference implementation's).
     */
    private static void emptyWindowsAsOnnxRuntime(PoolGeometry g, float[] y, long[] indices) {
        if (!hasEmptyWindows(g)) {
            return;
        }
        boolean[] emptyRow = new boolean[g.oh()];
        boolean[] emptyColumn = new boolean[g.ow()];
        for (int o = 0; o < g.oh(); o++) {
            emptyRow[o] = !Pooling.reachesInput(o * g.strideH() - g.padH(), g.kh(), g.dilationH(), g.h());
        }
        for (int o = 0; o < g.ow(); o++) {
            emptyColumn[o] = !Pooling.reachesInput(o * g.strideW() - g.padW(), g.kw(), g.dilationW(), g.w());
        }
        for (int p = 0, i = 0; p < g.planes(); p++) {
            for (int r = 0; r < g.oh(); r++) {
                for (int c = 0; c < g.ow(); c++, i++) {
                    if (emptyRow[r] || emptyColumn[c]) {
                        y[i] = -Float.MAX_VALUE;
                        if (indices != null) {
                            indices[i] = -1;
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether a window of {@code g} misses the input entirely in ONNX's form, where the values are then ONNX Runtime's
     * (set after the kernel), not the kernel's alone: a plan that runs the kernel's blocked entry point
     * ({@link MaxPool2dKernel#blocked}) runs such a geometry through {@link #valuesInto} instead.
     */
    public static boolean hasEmptyWindows(PoolGeometry g) {
        if (!g.onnx()) {
            return false;
        }
        for (int o = 0; o < g.oh(); o++) {
            if (!Pooling.reachesInput(o * g.strideH() - g.padH(), g.kh(), g.dilationH(), g.h())) {
                return true;
            }
        }
        for (int o = 0; o < g.ow(); o++) {
            if (!Pooling.reachesInput(o * g.strideW() - g.padW(), g.kw(), g.dilationW(), g.w())) {
                return true;
            }
        }
        return false;
    }

    /** The values of {@link #apply} into {@code y} (NCHW, {@code g}'s output), for a plan that resolved {@code g} once and owns the buffer. */
    public static void valuesInto(MaxPool2dKernel kernel, PoolGeometry g, float[] x, @Output float[] y) {
        if (y.length > 0) {
            kernel.maxPool2d(g, x, y, null);
            emptyWindowsAsOnnxRuntime(g, y, null);
        }
    }

    private static Pooled run(MaxPool2dKernel kernel, Tensor input, MaxPool2dAttrs a, boolean withIndices) {
        PoolGeometry g = geometry(input.shape(), a);
        Shape out = Shapes.unbatch(g.outputShape(), input.rank());
        float[] y = new float[out.size()];
        long[] idx = withIndices ? new long[out.size()] : null;
        if (y.length > 0) {
            kernel.maxPool2d(g, input.buffer(), y, idx);
            emptyWindowsAsOnnxRuntime(g, y, idx);
        }
        return new Pooled(Tensor.wrap(out, y), withIndices ? IndexTensor.wrap(out, idx) : null);
    }

    public static MaxPool2dAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        HW k = t.pair("kernel_size", null);
        OpException.check(k != null, OP, "attribute_type", "kernel_size is required");
        Pads pads = Pooling.fourSided(t);
        return new MaxPool2dAttrs(k, t.poolStride(), pads != null ? null : t.pair("padding", HW.of(0)), t.pair("dilation", HW.of(1)),
                t.bool("ceil_mode", false), pads);
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, MaxPool2dKernel.class, List.of("input"), (kernel, attrs, in) ->
            applyWithIndices((MaxPool2dKernel) kernel, Operators.required(OP, in, "input"), attrs(attrs)).asMap());

    /**
     * Selection: bit-exact. An output sees a dilated window {@code d(k-1)+1}, {@code stride} apart.
     * The ONNX form ({@code padding=[top, left, bottom, right]}) is ONNX MaxPool as ONNX Runtime 1.29 runs it.
     */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), attrs(n.attrs())))
            .withField(OpSchema.window(n -> {
                MaxPool2dAttrs a = attrs(n.attrs());
                return new double[] {a.dilation().h() * (a.kernel().h() - 1) + 1, a.dilation().w() * (a.kernel().w() - 1) + 1, a.stride().h(),
                    a.stride().w()};
            }))
            .withOnnxNote("padding may be four ints [top, left, bottom, right] (ONNX pads): each pad may exceed half the kernel "
                    + "(PyTorch's limit) but must stay below the kernel, as ONNX Runtime requires")
            .withOnnxNote("ceil_mode: the same output size as PyTorch, a last window starting in the end padding is dropped "
                    + "(ONNX Runtime 1.29 does so too)")
            .withOnnxNote("a dilated window entirely in padding gives -3.4028235e38 (ONNX Runtime's float lowest), where PyTorch gives -inf")
            .withOnnxNote("NaN propagates and an all -inf window gives -inf, as in PyTorch; ONNX Runtime's dilated path skips NaN and "
                    + "gives -3.4028235e38 there, and its undilated path keeps or drops a NaN depending on its position in the window")
            .withOnnxNote("indices are PyTorch's (h*W + w within each plane); ONNX's Indices output (flat over the tensor, storage_order) "
                    + "is not produced");
}
