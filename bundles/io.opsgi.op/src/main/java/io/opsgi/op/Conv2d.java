package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** The conv2d contract: {@code F.conv2d} / {@code nn.Conv2d} semantics, validation and output shape. */
public final class Conv2d {
    public static final String OP = "conv2d";

    private Conv2d() {
    }

    /** The output shape, with no kernel: what {@link #apply} would return, or the error it would raise. */
    public static Shape outputShape(Shape input, Shape weight, Shape bias, Conv2dAttrs a) {
        return plan(input, weight, bias, a).outputShape;
    }

    /** Validates, pads per the padding mode, and runs {@code kernel}. Inputs are never written. */
    public static Tensor apply(Conv2dKernel kernel, Tensor input, Tensor weight, Tensor bias, Conv2dAttrs a) {
        Plan p = plan(input.shape(), weight.shape(), bias == null ? null : bias.shape(), a);
        float[] y = new float[p.outputShape.size()];
        if (y.length > 0 && p.geometry.cIn() > 0) {
            Tensor x = Shapes.batched(input);
            if (p.modePads != null) {
                x = Pad.materialize(x, p.modePads, a.paddingMode());
            }
            kernel.conv2d(p.geometry, x.buffer(), weight.buffer(), bias == null ? null : bias.buffer(), y);
        }
        return Tensor.wrap(p.outputShape, y);
    }

    /**
     * The geometry the kernel is handed for this call, or null when the padding mode (reflect,
     * replicate, circular) first needs a padded copy of the input: such calls take {@link #apply}.
     * Raises the same {@link OpException} as {@link #apply} for a call PyTorch refuses.
     */
    public static ConvGeometry geometry(Shape input, Shape weight, Shape bias, Conv2dAttrs a) {
        Plan p = plan(input, weight, bias, a);
        return p.modePads == null ? p.geometry : null;
    }

    private record Plan(ConvGeometry geometry, Shape outputShape, int[] modePads) {
    }

    private static Plan plan(Shape xs, Shape ws, Shape bs, Conv2dAttrs a) {
        Shape x4 = Shapes.batched(OP, xs);
        OpException.check(ws.rank() == 4, OP, "weight_rank", "weight must be 4-D (out_channels, in_channels/groups, kH, kW), got weight of size " + ws);
        int n = x4.dim(0), c = x4.dim(1), h = x4.dim(2), w = x4.dim(3);
        int cOut = ws.dim(0), kh = ws.dim(2), kw = ws.dim(3);
        int g = a.groups();
        OpException.check(cOut >= g && cOut % g == 0, OP, "weight_out_channels",
                "out_channels must be a positive multiple of groups, got groups=" + g + ", weight of size " + ws);
        OpException.check(c == ws.dim(1) * g, OP, "input_channels", "in_channels must equal weight.size(1)*groups, got groups="
                + g + ", weight of size " + ws + ", input of size " + xs + " (" + c + " channels, expected " + ws.dim(1) * g + ")");
        OpException.check(bs == null || (bs.rank() == 1 && bs.dim(0) == cOut), OP, "bias_shape",
                "bias must be 1-D with " + cOut + " elements, got bias of size " + bs);
        OpException.check(kh > 0 && kw > 0, OP, "kernel_size_positive",
                "kernel size should be greater than zero, got kernel_height=" + kh + ", kernel_width=" + kw);

        int[] pads = a.padding().resolve(h, w, kh, kw, a.stride(), a.dilation());
        int[] modePads = null;
        if (a.paddingMode() != PadMode.CONSTANT) {
            // nn.Conv2d: F.pad(x, (left, right, top, bottom), mode) then an unpadded convolution. F.pad runs
            // (and validates) even when every pad is 0, so these checks do not depend on the pad values.
            OpException.check(a.paddingMode() != PadMode.CIRCULAR || xs.rank() == 4, OP, "pad_mode_rank",
                    "circular padding needs a batched 4-D input, got input of size " + xs);
            OpException.check(a.paddingMode() == PadMode.CIRCULAR || (c > 0 && h > 0 && w > 0), OP, "empty_input",
                    a.paddingMode() + " padding needs non-zero channel and spatial sizes, got input of size " + xs);
            int[] torchPads = {pads[1], pads[3], pads[0], pads[2]};
            Pad.checkModeLimits(OP, x4, torchPads, a.paddingMode());
            if ((pads[0] | pads[1] | pads[2] | pads[3]) != 0) {
                modePads = torchPads;
                // replicate has no size limit: the padded copy must still be a tensor
                Shapes.output(OP, n, c, (long) h + pads[0] + pads[2], (long) w + pads[1] + pads[3]);
                h += pads[0] + pads[2];
                w += pads[1] + pads[3];
                pads = new int[4];
            }
        }
        long effH = (long) a.dilation().h() * (kh - 1) + 1, effW = (long) a.dilation().w() * (kw - 1) + 1;
        long paddedH = (long) h + pads[0] + pads[2], paddedW = (long) w + pads[1] + pads[3];
        OpException.check(paddedH >= effH && paddedW >= effW, OP, "kernel_too_large",
                "kernel size can't be greater than actual input size, got padded input size per channel (" + paddedH + " x " + paddedW
                        + ") and kernel size (" + effH + " x " + effW + ")");
        OpException.check(n == 0 || c == 0 || (h > 0 && w > 0), OP, "empty_input",
                "only zero batch or zero channel inputs are supported, got input of size " + xs);
        // the kernel's indices o*stride - pad + k*dilation stay inside the padded input (and the dilated kernel fits in it)
        Shapes.checkExtent(OP, "padded input size", Math.max(paddedH, paddedW));
        int oh = OutputSize.window(h, kh, a.stride().h(), pads[0], pads[2], a.dilation().h(), false);
        int ow = OutputSize.window(w, kw, a.stride().w(), pads[1], pads[3], a.dilation().w(), false);
        Shapes.output(OP, n, cOut, oh, ow);
        ConvGeometry geo = new ConvGeometry(n, c, h, w, cOut, kh, kw, a.stride().h(), a.stride().w(), pads[0], pads[1],
                a.dilation().h(), a.dilation().w(), g, oh, ow);
        return new Plan(geo, Shapes.unbatch(geo.outputShape(), xs.rank()), modePads);
    }

    /** Attributes from PyTorch's terms: stride, padding (int, pair, 'same', 'valid'), dilation, groups, padding_mode; or ONNX pads / auto_pad. */
    public static Conv2dAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        HW stride = t.pair("stride", HW.of(1));
        ConvPadding padding;
        if (t.has("pads")) {
            int[] p = t.ints("pads");
            OpException.check(p.length == 4, OP, "pair_length", "pads must be [top, left, bottom, right], got " + p.length + " values");
            padding = ConvPadding.explicit(p[0], p[1], p[2], p[3]);
        } else if (t.has("auto_pad")) {
            String s = t.string("auto_pad", "");
            switch (s) {
                case "SAME_UPPER": padding = ConvPadding.SAME_UPPER; break;
                case "SAME_LOWER": padding = ConvPadding.SAME_LOWER; break;
                case "VALID": padding = ConvPadding.VALID; break;
                default: throw new OpException(OP, "padding_string", "auto_pad must be SAME_UPPER, SAME_LOWER or VALID, got '" + s + "'");
            }
        } else if (t.raw("padding") instanceof String s) {
            switch (s) {
                case "same": padding = ConvPadding.SAME; break;
                case "valid": padding = ConvPadding.VALID; break;
                default: throw new OpException(OP, "padding_string", "invalid padding string '" + s + "', expected 'same' or 'valid'");
            }
        } else {
            HW p = t.pair("padding", HW.of(0));
            padding = ConvPadding.symmetric(p.h(), p.w());
        }
        String mode = t.string("padding_mode", "zeros");
        PadMode pm = mode.equals("zeros") ? PadMode.CONSTANT : mode.equals("constant") ? null : PadMode.fromTorch(OP, "padding_mode", mode);
        OpException.check(pm != null, OP, "padding_mode", "padding_mode must be one of zeros, reflect, replicate, circular, got padding_mode='" + mode + "'");
        return new Conv2dAttrs(stride, padding, t.pair("dilation", HW.of(1)), t.integer("groups", 1), pm);
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, Conv2dKernel.class, List.of("input", "weight", "bias"), (kernel, attrs, in) -> {
        Conv2dAttrs a = attrs(attrs);
        return Map.of("output", apply((Conv2dKernel) kernel, Operators.required(OP, in, "input"),
                Operators.required(OP, in, "weight"), in.get("bias"), a));
    });

    /**
     * K = C_in/groups·kH·kW, the weight's last three dimensions; one multiply-add per output element
     * and term; an output sees a dilated window {@code d(k-1)+1} of its input, {@code stride} apart.
     */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), n.shape("weight"), n.optional("bias"), attrs(n.attrs())))
            .withTolerance(ToleranceClass.REDUCTION)
            .withReduction(n -> termsPerOutput(n.shape("weight")))
            .withMacs((n, out) -> OpSchema.saturatingProduct(out.size(), termsPerOutput(n.shape("weight"))))
            .withField(OpSchema.window(n -> {
                Conv2dAttrs a = attrs(n.attrs());
                Shape w = n.shape("weight");
                return new double[] {a.dilation().h() * (w.dim(2) - 1) + 1, a.dilation().w() * (w.dim(3) - 1) + 1, a.stride().h(), a.stride().w()};
            }));

    private static int termsPerOutput(Shape w) {
        return w.rank() == 4 ? w.dim(1) * w.dim(2) * w.dim(3) : Math.max(1, w.size());
    }
}
