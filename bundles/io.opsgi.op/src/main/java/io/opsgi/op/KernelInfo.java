package io.opsgi.op;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The service properties a kernel component declares:
 * {@code @KernelInfo(op = "conv2d", variant = "gemm")} gives {@code opsgi.op=conv2d} and
 * {@code opsgi.variant=gemm}. One component may serve several ops of one family (the activations).
 */
@ComponentPropertyType
public @interface KernelInfo {
    String PREFIX_ = "opsgi.";

    /** Service property naming the ops served. */
    String OP = "opsgi.op";
    /** Service property naming the variant, unique per op. */
    String VARIANT = "opsgi.variant";

    String[] op();

    String variant();
}
