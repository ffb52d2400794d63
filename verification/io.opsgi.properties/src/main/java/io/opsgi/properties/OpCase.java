package io.opsgi.properties;

import io.opsgi.tensor.Tensor;
import java.util.List;

/**
 * A valid configuration of one op: attributes, shapes and a data seed. Its {@code toString} reads
 * like a bug report (attributes and shapes, never float arrays).
 */
public interface OpCase {
    /** The op name the case exercises, e.g. {@code conv2d} or {@code global_max_pool2d}. */
    String op();

    /** The input tensors, rebuilt from the seed on every call (null for an absent optional input). */
    List<Tensor> inputs();
}
