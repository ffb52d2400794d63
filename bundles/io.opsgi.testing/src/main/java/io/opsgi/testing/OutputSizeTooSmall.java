package io.opsgi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.op.OpException;
import java.util.function.Supplier;

/**
 * For grids of configurations, some of which the contract rejects because the output would be empty:
 * runs a call, and turns that one rejection into {@code null} (any other {@link OpException} rule fails).
 */
public final class OutputSizeTooSmall {
    private OutputSizeTooSmall() {
    }

    /** {@code call}'s result, or null if it threw an {@link OpException} with rule {@code output_size_too_small}. */
    public static <T> T resultOrNull(Supplier<T> call) {
        try {
            return call.get();
        } catch (OpException e) {
            assertEquals("output_size_too_small", e.rule());
            return null;
        }
    }
}
