package io.opsgi.properties;

import io.opsgi.op.HW;
import io.opsgi.op.UpsampleAttrs.ScaleFactor;
import io.opsgi.op.UpsampleAttrs;
import io.opsgi.op.UpsampleMode;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;

/** upsample: an (n, c, h, w) input and nn.Upsample's attributes (a size, or a scale factor). */
public record UpsampleCase(int n, int c, int h, int w, UpsampleMode mode, HW size, ScaleFactor scale, Boolean alignCorners,
        boolean recompute, long seed) implements OpCase {

    @Override
    public String op() {
        return "upsample";
    }

    public UpsampleAttrs attrs() {
        return new UpsampleAttrs(size, scale, mode, alignCorners, recompute);
    }

    public Shape inputShape() {
        return Shape.of(n, c, h, w);
    }

    /** nn.Upsample's output size, written here independently of the contract: the size, or int(in * scale). */
    public int oh() {
        return size != null ? size.h() : (int) (h * scale.h());
    }

    public int ow() {
        return size != null ? size.w() : (int) (w * scale.w());
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(SeededData.uniform(inputShape(), seed, Role.INPUT));
    }

    @Override
    public String toString() {
        return "upsample input=" + inputShape() + " mode=" + mode + (size != null ? " size=" + size : " scale_factor=" + scale)
                + (alignCorners != null ? " align_corners=" + alignCorners : "") + (recompute ? " recompute_scale_factor=true" : "") + " seed=" + seed;
    }
}
