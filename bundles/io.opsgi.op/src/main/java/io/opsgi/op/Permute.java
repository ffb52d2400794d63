package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * The permute contract: {@code torch.permute(x, dims)} (ONNX Transpose with {@code perm}): output
 * dimension i is input dimension dims[i]. Exact data movement (the result is made contiguous): no
 * arithmetic, so no kernel; not a registered {@link Operator}.
 */
public final class Permute {
    public static final String OP = "permute";

    private Permute() {
    }

    /** The attribute {@code dims}: a permutation of 0..rank-1 (negative counts from the end). */
    public static int[] dims(Map<String, ?> attrs) {
        return new TorchAttrs(OP, attrs).ints("dims");
    }

    /** dims wrapped to 0..rank-1, or the rule it breaks. */
    static int[] normalized(Shape input, int[] dims) {
        int rank = input.rank();
        OpException.check(dims.length == rank, OP, "dims_length", "number of dims don't match in permute: input has " + rank
                + " dimensions, dims " + Arrays.toString(dims));
        int[] d = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            OpException.check(dims[i] >= -rank && dims[i] < rank, OP, "dim_range", "dimension out of range (expected to be in range of [" + -rank + ", "
                    + (rank - 1) + "]), got " + dims[i]);
            d[i] = dims[i] < 0 ? dims[i] + rank : dims[i];
            OpException.check(!seen[d[i]], OP, "repeated_dim", "repeated dim in permute: " + Arrays.toString(dims));
            seen[d[i]] = true;
        }
        return d;
    }

    public static Shape outputShape(Shape input, int[] dims) {
        int[] d = normalized(input, dims);
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = input.dim(d[i]);
        }
        return Shape.of(out);
    }

    /** A contiguous copy in the permuted order; the input untouched. */
    public static Tensor apply(Tensor input, int[] dims) {
        Shape xs = input.shape();
        int[] d = normalized(xs, dims);
        int rank = d.length;
        Shape out = outputShape(xs, dims);
        int[] inStride = new int[rank];
        for (int k = rank - 1, s = 1; k >= 0; k--) {
            inStride[k] = s;
            s *= xs.dim(k);
        }
        // the input stride of each output dimension, walked as an odometer over the output
        int[] stride = new int[rank], size = out.toArray(), idx = new int[rank];
        for (int i = 0; i < rank; i++) {
            stride[i] = inStride[d[i]];
        }
        float[] x = input.buffer(), y = new float[out.size()];
        int src = 0;
        for (int o = 0; o < y.length; o++) {
            y[o] = x[src];
            for (int k = rank - 1; k >= 0; k--) {
                if (++idx[k] < size[k]) {
                    src += stride[k];
                    break;
                }
                src -= stride[k] * (size[k] - 1);
                idx[k] = 0;
            }
        }
        return Tensor.wrap(out, y);
    }

    /** Data movement: bit-exact, no kernel. Moving H or W away from the last two axes ends the spatial field. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, null, n -> outputShape(n.input(), dims(n.attrs())))
            .withField((n, in, out) -> {
                int[] d = normalized(n.input(), dims(n.attrs()));
                int r = d.length;
                return r < 4 || (d[r - 2] == r - 2 && d[r - 1] == r - 1) ? in.get(0) : in.get(0).fold(n.input().dim(-2), n.input().dim(-1));
            });
}
