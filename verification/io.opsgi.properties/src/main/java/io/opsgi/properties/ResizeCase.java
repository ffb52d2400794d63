package io.opsgi.properties;

import io.opsgi.op.HW;
import io.opsgi.op.ResizeAttrs;
import io.opsgi.op.ResizeAttrs.CoordinateTransformation;
import io.opsgi.op.ResizeAttrs.Mode;
import io.opsgi.op.ResizeAttrs.NearestMode;
import io.opsgi.op.ResizeAttrs.Scales;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** resize: an (n, c, h, w) input and ONNX Resize's attributes (sizes, or scales). */
record ResizeCase(int n, int c, int h, int w, Mode mode, CoordinateTransformation transformation, NearestMode nearestMode, HW sizes,
        Scales scales, long seed) implements OpCase {

    @Override
    public String op() {
        return "resize";
    }

    ResizeAttrs attrs() {
        return new ResizeAttrs(mode, transformation, nearestMode, scales, sizes);
    }

    Shape inputShape() {
        return Shape.of(n, c, h, w);
    }

    /** ONNX's output size, written here independently of the contract: the sizes, or floor(in * float32(scale)). */
    int oh() {
        return sizes != null ? sizes.h() : (int) Math.floor(h * (double) (float) scales.h());
    }

    int ow() {
        return sizes != null ? sizes.w() : (int) Math.floor(w * (double) (float) scales.w());
    }

    /** The scale the coordinates use: the float32 scale, or out/in with sizes. */
    double scaleH() {
        return sizes != null ? (double) oh() / h : (float) scales.h();
    }

    double scaleW() {
        return sizes != null ? (double) ow() / w : (float) scales.w();
    }

    /** The attributes in ONNX's names, as a network or the vectors write them. */
    Map<String, Object> onnxAttrs() {
        Map<String, Object> a = new HashMap<>();
        a.put("mode", mode.onnxName());
        a.put("coordinate_transformation_mode", transformation.onnxName());
        a.put("nearest_mode", nearestMode.onnxName());
        if (sizes != null) {
            a.put("sizes", List.of(sizes.h(), sizes.w()));
        } else {
            a.put("scales", List.of(scales.h(), scales.w()));
        }
        return a;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(SeededData.uniform(inputShape(), seed, Role.INPUT));
    }

    @Override
    public String toString() {
        return "resize input=" + inputShape() + " mode=" + mode.onnxName() + " coordinate_transformation_mode=" + transformation.onnxName()
                + (mode == Mode.NEAREST ? " nearest_mode=" + nearestMode.onnxName() : "") + (sizes != null ? " sizes=" + sizes : " scales=" + scales)
                + " seed=" + seed;
    }
}
