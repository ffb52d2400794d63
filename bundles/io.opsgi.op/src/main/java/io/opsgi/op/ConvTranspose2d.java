package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** The conv_transpose2d contract: {@code F.conv_transpose2d} semantics, validation and output shape. */
public final class ConvTranspose2d {
    public static final String OP = "conv_transpose2d";

    private ConvTranspose2d() {
    }

    public static Shape outputShape(Shape input, Shape weight, Shape bias, ConvTranspose2dAttrs a) {
        return Shapes.unbatch(geometry(input, weight, bias, a).outputShape(), input.rank());
    }

    public static Tensor apply(ConvTranspose2dKernel kernel, Tensor input, Tensor weight, Tensor bias, ConvTranspose2dAttrs a) {
        ConvGeometry g = geometry(input.shape(), weight.shape(), bias == null ? null : bias.shape(), a);
        Shape out = Shapes.unbatch(g.outputShape(), input.rank());
        float[] y = new float[out.size()];
        if (y.length > 0) {
            kernel.convTranspose2d(g, input.buffer(), weight.buffer(), bias == null ? null : bias.buffer(), y);
        }
        return Tensor.wrap(out, y);
    }

    private static ConvGeometry geometry(Shape xs, Shape ws, Shape bs, ConvTranspose2dAttrs a) {
        Shape x4 = Shapes.batched(OP, xs);
        OpException.check(ws.rank() == 4, OP, "weight_rank", "weight must be 4-D (in_channels, out_channels/groups, kH, kW), got weight of size " + ws);
        int n = x4.dim(0), c = x4.dim(1), h = x4.dim(2), w = x4.dim(3);
        int g = a.groups();
        OpException.check(ws.dim(0) >= g && ws.dim(0) % g == 0, OP, "weight_in_channels",
                "weight.size(0) must be divisible by groups, got groups=" + g + ", weight of size " + ws);
        OpException.check(c == ws.dim(0), OP, "input_channels", "in_channels must equal weight.size(0), got weight of size " + ws
                + ", input of size " + xs + " (" + c + " channels, expected " + ws.dim(0) + ")");
        int cOut = ws.dim(1) * g, kh = ws.dim(2), kw = ws.dim(3); // <= weight.numel(), as weight.size(0) >= groups
        OpException.check(bs == null || (bs.rank() == 1 && bs.dim(0) == cOut), OP, "bias_shape",
                "bias must be 1-D with " + cOut + " elements, got bias of size " + bs);
        OpException.check(kh > 0 && kw > 0, OP, "kernel_size_positive", "kernel size should be greater than zero, got kernel_height="
                + kh + ", kernel_width=" + kw);
        // ATen's backend selection refuses empty spatial input before the output size is checked.
        OpException.check(n == 0 || c == 0 || (h > 0 && w > 0), OP, "empty_input",
                "only zero batch or zero channel inputs are supported, got input of size " + xs);
        int oh = OutputSize.transposed(h, kh, a.stride().h(), a.padding().h(), a.dilation().h(), a.outputPadding().h());
        int ow = OutputSize.transposed(w, kw, a.stride().w(), a.padding().w(), a.dilation().w(), a.outputPadding().w());
        OpException.check(oh > 0 && ow > 0, OP, "output_size_too_small", "output size is too small, got input size per channel ("
                + h + " x " + w + ") and calculated output size per channel (" + oh + " x " + ow + ")");
        Shapes.output(OP, n, cOut, oh, ow);
        // the kernel scatters input i to i*stride - pad + k*dilation: the full extent (before cropping) must be an int
        Shapes.checkExtent(OP, "full output size (H-1)*stride + dilation*(k-1) + 1", Math.max(
                (long) (h - 1) * a.stride().h() + (long) a.dilation().h() * (kh - 1) + 1,
                (long) (w - 1) * a.stride().w() + (long) a.dilation().w() * (kw - 1) + 1));
        return new ConvGeometry(n, c, h, w, cOut, kh, kw, a.stride().h(), a.stride().w(), a.padding().h(), a.padding().w(),
                a.dilation().h(), a.dilation().w(), g, oh, ow);
    }

    public static ConvTranspose2dAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        return new ConvTranspose2dAttrs(t.pair("stride", HW.of(1)), t.pair("padding", HW.of(0)), t.pair("output_padding", HW.of(0)),
                t.integer("groups", 1), t.pair("dilation", HW.of(1)));
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, ConvTranspose2dKernel.class, List.of("input", "weight", "bias"), (kernel, attrs, in) -> {
        ConvTranspose2dAttrs a = attrs(attrs);
        return Map.of("output", apply((ConvTranspose2dKernel) kernel, Operators.required(OP, in, "input"),
                Operators.required(OP, in, "weight"), in.get("bias"), a));
    });

    /**
     * K = C_in/groups·th·tw, where th = ceil(kH / (sH / gcd(sH, dH))) is the most kernel rows that
     * can land on one output row (taps i with i·dH ≡ const mod sH). Multiply-adds: every input
     * element times the weight's out/groups·kH·kW. An output reads at most ceil(k_eff / stride) input
     * positions per axis; neighbouring outputs are 1/stride inputs apart.
     */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), n.shape("weight"), n.optional("bias"), attrs(n.attrs())))
            .withTolerance(ToleranceClass.REDUCTION)
            .withReduction(n -> {
                Shape w = n.shape("weight");
                ConvTranspose2dAttrs a = attrs(n.attrs());
                int th = taps(w.dim(2), a.stride().h(), a.dilation().h()), tw = taps(w.dim(3), a.stride().w(), a.dilation().w());
                return Math.max(1, w.dim(0) / Math.max(1, a.groups())) * th * tw;
            })
            .withMacs((n, out) -> {
                Shape w = n.shape("weight");
                return OpSchema.saturatingProduct(n.input().size(), w.dim(1), w.dim(2), w.dim(3));
            })
            .withField(OpSchema.window(n -> {
                ConvTranspose2dAttrs a = attrs(n.attrs());
                Shape w = n.shape("weight");
                int eh = a.dilation().h() * (w.dim(2) - 1) + 1, ew = a.dilation().w() * (w.dim(3) - 1) + 1;
                int sh = a.stride().h(), sw = a.stride().w();
                return new double[] {(eh + sh - 1) / sh, (ew + sw - 1) / sw, 1.0 / sh, 1.0 / sw};
            }));

    private static int taps(int k, int stride, int dilation) {
        int period = stride / gcd(stride, dilation);
        return (k + period - 1) / period;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? Math.max(1, a) : gcd(b, a % b);
    }
}
