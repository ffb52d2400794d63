package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Map;

/**
 * The dropout contract at inference: {@code nn.Dropout(p).eval()} returns its input unchanged (the
 * very same tensor), whatever p. Training-mode dropout (random masks) is out of scope and refused.
 * No kernel runs; not a registered {@link Operator}.
 */
public final class Dropout {
    public static final String OP = "dropout";

    private Dropout() {
    }

    public static Shape outputShape(Shape input, DropoutAttrs a) {
        return input;
    }

    /** The input itself: dropout is the identity at inference. */
    public static Tensor apply(Tensor input, DropoutAttrs a) {
        return input;
    }

    /** Attributes from PyTorch's terms: p (default 0.5); {@code training: true} is refused (inference only). */
    public static DropoutAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        OpException.check(!t.bool("training", false), OP, "inference_only", "only inference (training=false) is supported, got training=true");
        return new DropoutAttrs(t.number("p", 0.5));
    }

    /** The identity at inference: bit-exact, no kernel. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, null, n -> outputShape(n.input(), attrs(n.attrs())));
}
