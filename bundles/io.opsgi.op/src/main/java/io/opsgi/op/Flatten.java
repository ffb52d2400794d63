package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Map;

/**
 * The flatten contract: {@code torch.flatten(x, start_dim, end_dim)} / {@code nn.Flatten}. Shape only:
 * the data stays in row-major order, so the result is a view of the input (tensors are immutable)
 * and no kernel runs. Not a registered {@link Operator}: there is nothing for a kernel to compute.
 */
public final class Flatten {
    public static final String OP = "flatten";

    private Flatten() {
    }

    /** Dimensions start..end merged into one; a 0-d input counts as 1-D and flattens to [1]. */
    public static Shape outputShape(Shape input, FlattenAttrs a) {
        int rank = Math.max(1, input.rank());
        int start = wrap(a.startDim(), rank), end = wrap(a.endDim(), rank);
        // torch: "flatten() has invalid args: start_dim cannot come after end_dim"
        OpException.check(start <= end, OP, "start_after_end", "start_dim cannot come after end_dim, got start_dim=" + a.startDim()
                + ", end_dim=" + a.endDim() + " for input of size " + input);
        if (input.rank() == 0) {
            return Shape.of(1);
        }
        long[] dims = new long[rank - (end - start)];
        long merged = 1; // beyond 2^30 only for an empty tensor (a zero dimension elsewhere), then refused
        for (int d = start; d <= end; d++) {
            merged = merged > Long.MAX_VALUE / Math.max(1, input.dim(d)) ? Long.MAX_VALUE : merged * input.dim(d);
        }
        for (int d = 0, o = 0; d < rank; d++) {
            if (d < start || d > end) {
                dims[o++] = input.dim(d);
            } else if (d == start) {
                dims[o++] = merged;
            }
        }
        return Shapes.output(OP, dims);
    }

    /** The input viewed with the flattened shape (no copy, no kernel). */
    public static Tensor apply(Tensor input, FlattenAttrs a) {
        return input.reshape(outputShape(input.shape(), a));
    }

    /** torch: "Dimension out of range (expected to be in range of [-4, 3], but got 4)". */
    private static int wrap(int dim, int rank) {
        OpException.check(dim >= -rank && dim < rank, OP, "dim_range",
                "dimension out of range (expected to be in range of [" + -rank + ", " + (rank - 1) + "]), got " + dim);
        return dim < 0 ? dim + rank : dim;
    }

    /** Attributes from PyTorch's terms: start_dim (default 1), end_dim (default -1). */
    public static FlattenAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        return new FlattenAttrs(t.integer("start_dim", 1), t.integer("end_dim", -1));
    }

    /** A view: bit-exact, no kernel. Folding H and W into features ends the spatial receptive field. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, null, n -> outputShape(n.input(), attrs(n.attrs())))
            .withField((n, in, out) -> {
                Shape x = n.input();
                FlattenAttrs a = attrs(n.attrs());
                if (x.rank() != 4) {
                    return in.get(0);
                }
                int s = a.startDim() < 0 ? a.startDim() + 4 : a.startDim(), e = a.endDim() < 0 ? a.endDim() + 4 : a.endDim();
                boolean foldH = s <= 2 && 2 <= e, foldW = s <= 3 && 3 <= e;
                return foldH || foldW ? in.get(0).fold(foldH ? x.dim(2) : 1, foldW ? x.dim(3) : 1) : in.get(0);
            });
}
