package io.opsgi.op;

import java.util.Objects;

/** Attributes of conv_transpose2d, as {@code F.conv_transpose2d}. */
public record ConvTranspose2dAttrs(HW stride, HW padding, HW outputPadding, int groups, HW dilation) {
    static final String OP = ConvTranspose2d.OP;

    public ConvTranspose2dAttrs {
        Objects.requireNonNull(stride, "stride");
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(outputPadding, "outputPadding");
        Objects.requireNonNull(dilation, "dilation");
        OpException.check(!stride.anyBelow(1), OP, "stride_positive", "non-positive stride is not supported, got stride=" + stride);
        OpException.check(!padding.anyBelow(0), OP, "padding_non_negative", "negative padding is not supported, got padding=" + padding);
        OpException.check(!outputPadding.anyBelow(0), OP, "output_padding_non_negative",
                "negative output_padding is not supported, got output_padding=" + outputPadding);
        OpException.check(!dilation.anyBelow(1), OP, "dilation_positive", "dilation should be greater than zero, got dilation=" + dilation);
        OpException.check(groups > 0, OP, "groups_positive", "non-positive groups is not supported, got groups=" + groups);
        // PyTorch: per dimension, output_padding < stride OR output_padding < dilation.
        boolean ok = (outputPadding.h() < stride.h() || outputPadding.h() < dilation.h())
                && (outputPadding.w() < stride.w() || outputPadding.w() < dilation.w());
        OpException.check(ok, OP, "output_padding_too_large", "output padding must be smaller than either stride or dilation, got output_padding="
                + outputPadding + ", stride=" + stride + ", dilation=" + dilation);
    }

    public static ConvTranspose2dAttrs defaults() {
        return new ConvTranspose2dAttrs(HW.of(1), HW.of(0), HW.of(0), 1, HW.of(1));
    }

    public ConvTranspose2dAttrs withStride(int s) {
        return new ConvTranspose2dAttrs(HW.of(s), padding, outputPadding, groups, dilation);
    }

    public ConvTranspose2dAttrs withPadding(int p) {
        return new ConvTranspose2dAttrs(stride, HW.of(p), outputPadding, groups, dilation);
    }

    public ConvTranspose2dAttrs withOutputPadding(int p) {
        return new ConvTranspose2dAttrs(stride, padding, HW.of(p), groups, dilation);
    }

    public ConvTranspose2dAttrs withGroups(int g) {
        return new ConvTranspose2dAttrs(stride, padding, outputPadding, g, dilation);
    }

    public ConvTranspose2dAttrs withDilation(int d) {
        return new ConvTranspose2dAttrs(stride, padding, outputPadding, groups, HW.of(d));
    }
}
