package io.opsgi.op;

import java.util.Objects;

/**
 * Attributes of conv2d, as {@code nn.Conv2d} (plus ONNX's asymmetric and SAME_* padding).
 * {@code paddingMode} is {@link PadMode#CONSTANT} for PyTorch's {@code 'zeros'}.
 */
public record Conv2dAttrs(HW stride, ConvPadding padding, HW dilation, int groups, PadMode paddingMode) {
    static final String OP = Conv2d.OP;

    public Conv2dAttrs {
        Objects.requireNonNull(stride, "stride");
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(dilation, "dilation");
        Objects.requireNonNull(paddingMode, "paddingMode");
        OpException.check(!stride.anyBelow(1), OP, "stride_positive", "non-positive stride is not supported, got stride=" + stride);
        OpException.check(!padding.anyNegative(), OP, "padding_non_negative", "negative padding is not supported, got padding=" + padding);
        OpException.check(!dilation.anyBelow(1), OP, "dilation_positive", "dilation should be greater than zero, got dilation=" + dilation);
        OpException.check(groups > 0, OP, "groups_positive", "non-positive groups is not supported, got groups=" + groups);
        OpException.check(padding.kind() != ConvPadding.Kind.SAME || (stride.h() == 1 && stride.w() == 1), OP,
                "same_needs_stride_1", "padding='same' is not supported for strided convolutions, got stride=" + stride);
    }

    /** stride 1, no padding, dilation 1, groups 1, zero padding mode. */
    public static Conv2dAttrs defaults() {
        return new Conv2dAttrs(HW.of(1), ConvPadding.of(0), HW.of(1), 1, PadMode.CONSTANT);
    }

    public Conv2dAttrs withStride(int s) {
        return new Conv2dAttrs(HW.of(s), padding, dilation, groups, paddingMode);
    }

    public Conv2dAttrs withPadding(ConvPadding p) {
        return new Conv2dAttrs(stride, p, dilation, groups, paddingMode);
    }

    public Conv2dAttrs withPadding(int p) {
        return withPadding(ConvPadding.of(p));
    }

    public Conv2dAttrs withDilation(int d) {
        return new Conv2dAttrs(stride, padding, HW.of(d), groups, paddingMode);
    }

    public Conv2dAttrs withGroups(int g) {
        return new Conv2dAttrs(stride, padding, dilation, g, paddingMode);
    }

    public Conv2dAttrs withPaddingMode(PadMode m) {
        return new Conv2dAttrs(stride, padding, dilation, groups, m);
    }
}
