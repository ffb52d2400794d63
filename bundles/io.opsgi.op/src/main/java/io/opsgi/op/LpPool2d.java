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
            kernel.lpPool2d(g, a.normType(), a.absInput() ? absolute(input.buffer()) : input.buffer(), y);
        }
        return Tensor.wrap(out, y);
    }

    private static PoolGeometry geometry(Shape xs, LpPool2dAttrs a) {
        return a.onnx() ? Pooling.geometry(OP, xs, a.kernel(), a.stride(), a.pads(), HW.of(1), a.ceilMode(), true)
                : Pooling.geometry(OP, xs, a.kernel(), a.stride(), a.padding(), HW.of(1), a.ceilMode());
    }

    /** abs_input: the kernels raise {@code |x|} to the power p, ONNX LpPool's {@code sum |x|^p}; a copy, the input is never written. */
    private static float[] absolute(float[] x) {
        float[] a = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = Math.abs(x[i]);
        }
        return a;
    }

    public static LpPool2dAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        HW k = t.pair("kernel_size", null);
        OpException.check(k != null, OP, "attribute_type", "kernel_size is required");
        Pads pads = Pooling.fourSided(t);
        return new LpPool2dAttrs(t.number("norm_type", 2), k, t.poolStride(), t.bool("ceil_mode", false),
                pads != null ? null : t.pair("padding", HW.of(0)), pads, t.bool("abs_input", false));
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
            }))
            .withOnnxNote("ONNX LpPool sums |x|^p (abs_input=true); PyTorch's F.lp_pool2d sums x^p, so odd p gives a signed sum "
                    + "(and NaN under a fractional root) where ONNX gives a norm")
            .withOnnxNote("padding may be four ints [top, left, bottom, right] (ONNX pads, each below the kernel as ONNX Runtime "
                    + "requires); F.lp_pool2d has no padding (a symmetric padding here is passed to its avg_pool2d)")
            .withOnnxNote("ceil_mode: F.lp_pool2d averages a window clipped by ceil_mode over its clipped size and scales it "
                    + "by the full kh*kw; ONNX LpPool (opset 18) and the four-sided form here sum the clipped window as it is")
            .withOnnxNote("ONNX's p is an int (default 2); norm_type here is any non-zero number");
}
