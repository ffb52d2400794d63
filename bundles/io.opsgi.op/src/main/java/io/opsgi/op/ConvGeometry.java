package io.opsgi.op;

import io.opsgi.tensor.Shape;

/**
 * Everything a convolution kernel needs, resolved by the contract: batched input (n, cIn, h, w),
 * kernel (kh, kw), stride, the top/left zero padding (bottom/right padding only shows in oh/ow),
 * dilation, groups and the output size. Output rows/cols read input position
 * {@code o*stride - padBegin + k*dilation}; positions outside the input read 0.
 *
 * <p>conv2d: weight is (cOut, cIn/groups, kh, kw). conv_transpose2d: weight is
 * (cIn, cOut/groups, kh, kw), and an input (ih, iw) scatters to {@code ih*stride - pad + i*dilation}.
 */
public record ConvGeometry(int n, int cIn, int h, int w, int cOut, int kh, int kw, int strideH, int strideW,
        int padTop, int padLeft, int dilationH, int dilationW, int groups, int oh, int ow) {

    public int cInPerGroup() {
        return cIn / groups;
    }

    public int cOutPerGroup() {
        return cOut / groups;
    }

    public Shape inputShape() {
        return Shape.of(n, cIn, h, w);
    }

    public Shape outputShape() {
        return Shape.of(n, cOut, oh, ow);
    }
}
