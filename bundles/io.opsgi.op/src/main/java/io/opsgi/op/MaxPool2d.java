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

    private static PoolGeometry geometry(Shape xs, MaxPool2dAttrs a) {
        return Pooling.geometry(OP, xs, a.kernel(), a.stride(), a.padding(), a.dilation(), a.ceilMode());
    }

    private static Pooled run(MaxPool2dKernel kernel, Tensor input, MaxPool2dAttrs a, boolean withIndices) {
        PoolGeometry g = geometry(input.shape(), a);
        Shape out = Shapes.unbatch(g.outputShape(), input.rank());
        float[] y = new float[out.size()];
        long[] idx = withIndices ? new long[out.size()] : null;
        if (y.length > 0) {
            kernel.maxPool2d(g, input.buffer(), y, idx);
        }
        return new Pooled(Tensor.wrap(out, y), withIndices ? IndexTensor.wrap(out, idx) : null);
    }

    public static MaxPool2dAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        HW k = t.pair("kernel_size", null);
        OpException.check(k != null, OP, "attribute_type", "kernel_size is required");
        return new MaxPool2dAttrs(k, t.poolStride(), t.pair("padding", HW.of(0)), t.pair("dilation", HW.of(1)),
                t.bool("ceil_mode", false));
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, MaxPool2dKernel.class, List.of("input"), (kernel, attrs, in) ->
            applyWithIndices((MaxPool2dKernel) kernel, Operators.required(OP, in, "input"), attrs(attrs)).asMap());

    /** Selection: bit-exact. An output sees a dilated window {@code d(k-1)+1}, {@code stride} apart. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), attrs(n.attrs())))
            .withField(OpSchema.window(n -> {
                MaxPool2dAttrs a = attrs(n.attrs());
                return new double[] {a.dilation().h() * (a.kernel().h() - 1) + 1, a.dilation().w() * (a.kernel().w() - 1) + 1, a.stride().h(),
                    a.stride().w()};
            }));
}
