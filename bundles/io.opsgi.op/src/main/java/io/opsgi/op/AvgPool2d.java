package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** The avg_pool2d contract. */
public final class AvgPool2d {
    public static final String OP = "avg_pool2d";

    private AvgPool2d() {
    }

    public static Shape outputShape(Shape input, AvgPool2dAttrs a) {
        return Shapes.unbatch(geometry(input, a).outputShape(), input.rank());
    }

    public static Tensor apply(AvgPool2dKernel kernel, Tensor input, AvgPool2dAttrs a) {
        PoolGeometry g = geometry(input.shape(), a);
        Shape out = Shapes.unbatch(g.outputShape(), input.rank());
        float[] y = new float[out.size()];
        if (y.length > 0) {
            kernel.avgPool2d(g, a, input.buffer(), y);
        }
        return Tensor.wrap(out, y);
    }

    private static PoolGeometry geometry(Shape xs, AvgPool2dAttrs a) {
        return a.onnx() ? Pooling.geometry(OP, xs, a.kernel(), a.stride(), a.pads(), HW.of(1), a.ceilMode(), true)
                : Pooling.geometry(OP, xs, a.kernel(), a.stride(), a.padding(), HW.of(1), a.ceilMode());
    }

    public static AvgPool2dAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        HW k = t.pair("kernel_size", null);
        OpException.check(k != null, OP, "attribute_type", "kernel_size is required");
        Pads pads = Pooling.fourSided(t);
        return new AvgPool2dAttrs(k, t.poolStride(), pads != null ? null : t.pair("padding", HW.of(0)), t.bool("ceil_mode", false),
                t.bool("count_include_pad", true), t.optionalInteger("divisor_override"), pads);
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, AvgPool2dKernel.class, List.of("input"), (kernel, attrs, in) -> {
        return Map.of("output", apply((AvgPool2dKernel) kernel, Operators.required(OP, in, "input"), attrs(attrs)));
    });

    /** Bit-exact: ATen sums the window in row-major order and divides once, as the kernels do. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), attrs(n.attrs())))
            .withField(OpSchema.window(n -> {
                AvgPool2dAttrs a = attrs(n.attrs());
                return new double[] {a.kernel().h(), a.kernel().w(), a.stride().h(), a.stride().w()};
            }))
            .withOnnxNote("padding may be four ints [top, left, bottom, right] (ONNX pads): each pad may exceed half the kernel "
                    + "(PyTorch's limit) but must stay below the kernel, as ONNX Runtime requires")
            .withOnnxNote("count_include_pad defaults to true here (PyTorch) but to 0 in ONNX AveragePool: an importer passes it explicitly")
            .withOnnxNote("count_include_pad counts the explicit pads of each side but not a ceil_mode overhang past them, as PyTorch "
                    + "and ONNX Runtime 1.29 do")
            .withOnnxNote("ceil_mode: the same output size as PyTorch, a last window starting in the end padding is dropped "
                    + "(ONNX Runtime 1.29 does so too)")
            .withOnnxNote("no dilation (ONNX AveragePool has dilations from opset 19); divisor_override is PyTorch's only");
}
