package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.math.BigInteger;
import java.util.Arrays;

/** Checks and views shared by the contracts: batched (N, C, H, W) views of 3-D or 4-D inputs. */
final class Shapes {
    private Shapes() {
    }

    /** The (N, C, H, W) shape of a 3-D (unbatched) or 4-D input; any other rank is the op's {@code input_rank} error. */
    static Shape batched(String op, Shape xs) {
        OpException.check(xs.rank() == 3 || xs.rank() == 4, op, "input_rank",
                "expected 3D or 4D input ((C, H, W) unbatched or (N, C, H, W) batched), got input of size " + xs);
        return xs.rank() == 3 ? xs.prepend(1) : xs;
    }

    /** A 4-D view of a 3-D or 4-D input. */
    static Tensor batched(Tensor x) {
        return x.rank() == 3 ? x.reshape(x.shape().prepend(1)) : x;
    }

    /** The result shape for an input of the given rank: drops the batch again for unbatched input. */
    static Shape unbatch(Shape batchedOut, int inputRank) {
        return inputRank == 3 ? batchedOut.dropFirst() : batchedOut;
    }

    /**
     * The output shape of {@code op} from sizes computed in long, or the op's {@code output_too_large} error
     * when it exceeds what a tensor may hold ({@link Shape#MAX_ELEMENTS}), before anything is allocated.
     * Sizes must be non-negative: the contract has refused negative ones with its own rule.
     */
    static Shape output(String op, long... dims) {
        // A 0 elsewhere does not make a 2^40 dimension fit; 2^31-1 itself is what OutputSize saturates to.
        // In long, saturated above the limit (each factor is below 2^31, so a product of at most 2^30 times one cannot
        // overflow); this runs on every call of every contract, the exact count is only needed for the message.
        boolean fits = true;
        long elements = 1;
        for (long d : dims) {
            fits &= d < Integer.MAX_VALUE;
            elements = d < 0 || elements < 0 ? -1 : elements > Shape.MAX_ELEMENTS && d > 0 ? elements : elements * d;
        }
        fits &= elements >= 0 ? elements <= Shape.MAX_ELEMENTS : exactProduct(dims).compareTo(BigInteger.valueOf(Shape.MAX_ELEMENTS)) <= 0;
        OpException.check(fits, op, "output_too_large", () -> "output too large, got " + Arrays.toString(dims) + " = " + exactProduct(dims)
                + " elements, at most 2^30 = " + Shape.MAX_ELEMENTS + " (and each dimension below 2^31-1)");
        int[] sizes = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            sizes[i] = Math.toIntExact(dims[i]);
        }
        return Shape.of(sizes);
    }

    private static BigInteger exactProduct(long... dims) {
        BigInteger elements = BigInteger.ONE;
        for (long d : dims) {
            elements = elements.multiply(BigInteger.valueOf(d));
        }
        return elements;
    }

    /**
     * Refuses an extent the kernels' int index arithmetic cannot hold (a padded input, a dilated kernel, a
     * transposed conv's full scatter), where PyTorch computes in int64: {@code extent_too_large}.
     */
    static void checkExtent(String op, String what, long extent) {
        OpException.check(extent <= Integer.MAX_VALUE, op, "extent_too_large", what + " above 2^31-1, got " + extent);
    }

    static String chw(int c, int h, int w) {
        return "(" + c + "x" + h + "x" + w + ")";
    }
}
