package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The concat contract: {@code torch.cat(tensors, dim)} (ONNX Concat). One or more inputs of one rank
 * whose sizes agree outside {@code dim}; the output stacks them along {@code dim} in input order.
 * Exact data movement: no arithmetic, so no kernel; not a registered {@link Operator}. In an
 * {@link OpNode} the inputs are {@code input}, {@code input1}, {@code input2}, ... in order.
 */
public final class Concat {
    public static final String OP = "concat";

    private Concat() {
    }

    /** The attribute {@code dim} (default 0), negative counting from the end. */
    public static int dim(Map<String, ?> attrs) {
        return new TorchAttrs(OP, attrs).integer("dim", 0);
    }

    public static Shape outputShape(List<Shape> inputs, int dim) {
        OpException.check(!inputs.isEmpty(), OP, "input_count", "expected a non-empty list of tensors");
        Shape first = inputs.get(0);
        int rank = first.rank();
        OpException.check(rank >= 1, OP, "input_rank", "zero-dimensional tensor (at position 0) cannot be concatenated");
        OpException.check(dim >= -rank && dim < rank, OP, "dim_range",
                "dimension out of range (expected to be in range of [" + -rank + ", " + (rank - 1) + "]), got " + dim);
        int d = dim < 0 ? dim + rank : dim;
        long total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Shape s = inputs.get(i);
            OpException.check(s.rank() == rank, OP, "input_rank",
                    "tensors must have same number of dimensions: got " + rank + " and " + s.rank() + " (tensor " + i + " of size " + s + ")");
            for (int k = 0; k < rank; k++) {
                OpException.check(k == d || s.dim(k) == first.dim(k), OP, "size_mismatch", "sizes of tensors must match except in dimension " + d
                        + ", expected size " + first.dim(k) + " but got size " + s.dim(k) + " for tensor number " + i + " in the list");
            }
            total += s.dim(d);
        }
        long[] dims = new long[rank];
        for (int k = 0; k < rank; k++) {
            dims[k] = k == d ? total : first.dim(k);
        }
        return Shapes.output(OP, dims);
    }

    /** The inputs stacked along {@code dim}: a copy, the inputs untouched. */
    public static Tensor apply(List<Tensor> inputs, int dim) {
        Shape out = outputShape(inputs.stream().map(Tensor::shape).toList(), dim);
        int d = dim < 0 ? dim + out.rank() : dim;
        long outer = 1;
        for (int k = 0; k < d; k++) {
            outer *= out.dim(k);
        }
        int inner = 1;
        for (int k = d + 1; k < out.rank(); k++) {
            inner *= out.dim(k);
        }
        float[] y = new float[out.size()];
        int rowOut = out.dim(d) * inner, offset = 0;
        for (Tensor t : inputs) {
            int row = t.dim(d) * inner;
            float[] x = t.buffer();
            for (int o = 0; o < outer; o++) {
                System.arraycopy(x, o * row, y, o * rowOut + offset, row);
            }
            offset += row;
        }
        return Tensor.wrap(out, y);
    }

    /** The inputs of a node in order: {@code input}, {@code input1}, ... */
    public static List<Shape> inputs(OpNode n) {
        return new ArrayList<>(n.inputs().values());
    }

    /** Data movement: bit-exact, no kernel. Each output element sees what one input saw: the widest field. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, null, n -> outputShape(inputs(n), dim(n.attrs())))
            .withField((n, in, out) -> in.stream().reduce(ReceptiveField::merge).orElse(ReceptiveField.INPUT));
}
