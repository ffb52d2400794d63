package io.opsgi.properties;

import io.opsgi.op.Kernel;
import java.util.List;

/**
 * One kernel implementation under test, typed by its family interface. Prints as
 * {@code conv2d/gemm} so that a falsified property names the kernel that broke the law.
 */
public record KernelUnderTest<K extends Kernel>(List<String> ops, String variant, String origin, K kernel) {
    public static final String REFERENCE_VARIANT = "direct";

    public boolean serves(String op) {
        return ops.contains(op);
    }

    public boolean isReference() {
        return REFERENCE_VARIANT.equals(variant);
    }

    @Override
    public String toString() {
        String bundle = origin.replaceFirst("-\\d.*$", "");
        return ops.size() == 1 ? ops.get(0) + "/" + variant : variant + " (" + bundle + ")";
    }
}
