package io.opsgi.conformance.live;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.op.AdaptiveGeometry;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.LinearGeometry;
import io.opsgi.op.Operators;
import io.opsgi.op.PoolGeometry;
import io.opsgi.op.Tolerance;
import io.opsgi.op.ToleranceClass;
import io.opsgi.op.UpsampleGeometry;
import io.opsgi.op.UpsampleMode;
import io.opsgi.runtime.LiveCallJudge;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Judges sampled live calls with the tolerance classes of each op's schema ({@link ToleranceClass}): bit-exact ops
 * exactly, libm ops at assert_close, reductions at the sqrt(K) bound. A live call carries a kernel
 * geometry rather than a vector case, so K is read from the geometry, and where the geometry does
 * not pin it down an upper bound is used (conv_transpose2d: all kh·kw taps; batch norm: N·H·W;
 * otherwise the longest input): the bound can only be looser than the vectors', never tighter, so a
 * correct kernel is never quarantined by a sampled check.
 */
@Component
public final class LiveTolerances implements LiveCallJudge {
    @Override
    public String compare(String op, Object geometry, List<float[]> inputs, String output, float[] reference, float[] actual) {
        if (reference.length != actual.length) {
            return output + ": " + actual.length + " elements where the reference has " + reference.length;
        }
        Tensor expected = Tensor.wrap(Shape.of(reference.length), reference);
        Tolerance tolerance;
        try {
            tolerance = tolerance(op, geometry, inputs, expected);
        } catch (IllegalArgumentException noToleranceForOp) {
            return null; // an op the suite has no tolerance for (a stranger's): not judged
        }
        TensorComparison cmp = TensorComparison.compare(output, expected, Tensor.wrap(Shape.of(actual.length), actual), tolerance);
        return cmp.passed() ? null : cmp.problem();
    }

    static Tolerance tolerance(String op, Object geometry, List<float[]> inputs, Tensor expected) {
        if (geometry instanceof UpsampleGeometry u && u.mode().interpolates()) {
            // The bound needs only the input's height, width and largest magnitude.
            Tensor scale = Tensor.full(Shape.of(1, 1, u.h(), u.w()), maxAbs(inputs));
            return u.mode() == UpsampleMode.BICUBIC ? ToleranceClass.cubicInterpolation(scale) : ToleranceClass.interpolation(scale);
        }
        boolean oneByOneMean = geometry instanceof AdaptiveGeometry a && a.oh() == 1 && a.ow() == 1 && op.equals("adaptive_avg_pool2d");
        ToleranceClass kind = oneByOneMean ? ToleranceClass.REDUCTION : usualClass(op);
        return kind.bound(reductionLength(geometry, inputs), expected, null);
    }

    /** The class the op's schema names when no node refines it (the label before any " (...)" note). */
    private static ToleranceClass usualClass(String op) {
        String summary = Operators.schema(op).describeTolerance();
        for (ToleranceClass c : ToleranceClass.values()) {
            if (summary.equals(c.label()) || summary.startsWith(c.label() + " (")) {
                return c;
            }
        }
        throw new IllegalArgumentException(op + ": no tolerance class in '" + summary + "'");
    }

    /** K, the terms summed per output element, or an upper bound of it. */
    static int reductionLength(Object geometry, List<float[]> inputs) {
        if (geometry instanceof ConvGeometry g) {
            return g.cInPerGroup() * g.kh() * g.kw();
        }
        if (geometry instanceof LinearGeometry g) {
            return g.inFeatures();
        }
        if (geometry instanceof PoolGeometry g) {
            return g.kh() * g.kw();
        }
        if (geometry instanceof AdaptiveGeometry g) {
            return g.h() * g.w();
        }
        int longest = 1;
        for (float[] in : inputs) {
            longest = Math.max(longest, in.length);
        }
        return longest;
    }

    private static float maxAbs(List<float[]> inputs) {
        float m = 0;
        for (float[] in : inputs) {
            for (float v : in) {
                if (Float.isFinite(v)) {
                    m = Math.max(m, Math.abs(v));
                }
            }
        }
        return m;
    }
}
