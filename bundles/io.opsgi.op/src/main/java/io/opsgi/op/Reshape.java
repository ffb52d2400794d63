package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * The reshape contract: {@code torch.reshape(x, shape)}: the same elements in row-major order under
 * another shape; at most one size may be -1 (inferred). A view (tensors are immutable): no kernel;
 * not a registered {@link Operator}. ONNX Reshape's 0 ("copy the input's size") is resolved by the
 * importer, as torch.reshape has no such rule (here 0 is a size of 0).
 */
public final class Reshape {
    public static final String OP = "reshape";

    private Reshape() {
    }

    /** The attribute {@code shape}: a list of ints. */
    public static int[] shape(Map<String, ?> attrs) {
        return new TorchAttrs(OP, attrs).ints("shape");
    }

    public static Shape outputShape(Shape input, int[] shape) {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                OpException.check(infer < 0, OP, "one_inferred", "only one dimension can be inferred, got shape " + Arrays.toString(shape));
                infer = i;
            } else {
                OpException.check(shape[i] >= 0, OP, "negative_size", "invalid shape dimension " + shape[i] + " in shape " + Arrays.toString(shape));
                known *= shape[i];
                OpException.check(known <= Integer.MAX_VALUE, OP, "size_mismatch", "shape " + Arrays.toString(shape) + " is invalid for input of size "
                        + input.size());
            }
        }
        long[] dims = Arrays.stream(shape).asLongStream().toArray();
        if (infer >= 0) {
            OpException.check(known != 0 && input.size() % known == 0, OP, "size_mismatch", "shape " + Arrays.toString(shape)
                    + " is invalid for input of size " + input.size());
            dims[infer] = input.size() / known;
        } else {
            OpException.check(known == input.size(), OP, "size_mismatch", "shape " + Arrays.toString(shape) + " is invalid for input of size " + input.size()
                    + " (" + input + ")");
        }
        return Shapes.output(OP, dims);
    }

    /** The input viewed with the new shape (no copy, no kernel). */
    public static Tensor apply(Tensor input, int[] shape) {
        return input.reshape(outputShape(input.shape(), shape));
    }

    /** A view: bit-exact, no kernel. The spatial field ends unless the last two sizes stay. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, null, n -> outputShape(n.input(), shape(n.attrs())))
            .withField((n, in, out) -> {
                Shape x = n.input();
                boolean keepsHw = x.rank() >= 2 && out.rank() >= 2 && x.dim(-1) == out.dim(-1) && x.dim(-2) == out.dim(-2);
                return keepsHw || x.rank() < 4 ? in.get(0) : in.get(0).fold(x.dim(-2), x.dim(-1));
            });
}
