package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** The lp_pool2d contract. */
public final class LpPool2d {
    public static final String OP = "lp_pool2d";

    private LpPool2d() {
    }

    public static Shape outputShape(Shape input, LpPool2dAttrs a) {
        return Shapes.unbatch(geometry(input, a).outputShape(), input.rank());
    }

    public static Tensor apply(LpPool2dKernel kernel, Tensor input, LpPool2dAttrs a) {
        PoolGeometry g = geometry(input.shape(), a);
        Shape out = Shapes.unbatch(g.outputShape(), input.rank());
        float[] y = new float[out.size()];
        if (y.length > 0) {
            kernel.lpPool2d(g, a.normType(), input.buffer(), y);
        }
        return Tensor.wrap(out, y);
    }

    private static PoolGeometry geometry(Shape xs, LpPool2dAttrs a) {
        return Pooling.geometry(OP, xs, a.kernel(), a.stride(), HW.of(0), HW.of(1), a.ceilMode());
    }

    public static LpPool2dAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        HW k = t.pair("kernel_size", null);
        OpException.check(k != null, OP, "attribute_type", "kernel_size is required");
        return new LpPool2dAttrs(t.number("norm_type", 2), k, t.poolStride(), t.bool("ceil_mode", false));
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, LpPool2dKernel.class, List.of("input"), (kernel, attrs, in) -> {
        return Map.of("output", apply((LpPool2dKernel) kernel, Operators.required(OP, in, "input"), attrs(attrs)));
    });

    /** K = kH·kW, and pow on every element: a reduction with libm. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), attrs(n.attrs())))
            .withTolerance(ToleranceClass.REDUCTION_WITH_LIBM)
            .withReduction(n -> {
                LpPool2dAttrs a = attrs(n.attrs());
                return a.kernel().h() * a.kernel().w();
            })
            .withField(OpSchema.window(n -> {
                LpPool2dAttrs a = attrs(n.attrs());
                return new double[] {a.kernel().h(), a.kernel().w(), a.stride().h(), a.stride().w()};
            }));
}
