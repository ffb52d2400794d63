package io.opsgi.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.tensor.Tensor;
import java.util.function.IntFunction;

/**
 * A snapshot of a kernel's input tensors taken before the call, to check afterwards that the kernel
 * did not write them ({@link Tensor#buffer()} is shared and must never be written). Null inputs
 * (absent optional tensors) are allowed.
 */
public final class InputsUnchanged {
    private final Tensor[] inputs;
    private final Tensor[] copies;

    private InputsUnchanged(Tensor[] inputs) {
        this.inputs = inputs.clone();
        this.copies = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            copies[i] = inputs[i] == null ? null : Tensor.of(inputs[i].shape(), inputs[i].toArray());
        }
    }

    /** Copies of {@code inputs} as they are now, in order; nulls stay null. */
    public static InputsUnchanged snapshot(Tensor... inputs) {
        return new InputsUnchanged(inputs);
    }

    /** Each non-null input's data equals its snapshot ({@code assertArrayEquals}, no message). */
    public void assertDataUnchanged() {
        assertDataUnchanged(i -> null);
    }

    /** Each non-null input's data equals its snapshot ({@code assertArrayEquals}), with {@code message}. */
    public void assertDataUnchanged(String message) {
        assertDataUnchanged(i -> message);
    }

    /** Each non-null input {@code i}'s data equals its snapshot ({@code assertArrayEquals}), with {@code message.apply(i)}. */
    public void assertDataUnchanged(IntFunction<String> message) {
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null) {
                assertArrayEquals(copies[i].buffer(), inputs[i].buffer(), message.apply(i));
            }
        }
    }

    /**
     * Each input {@link Tensor#equals equals} its snapshot (shape and raw bits; null for null), with
     * {@code messages[i]} for input {@code i}.
     */
    public void assertTensorsUnchanged(String... messages) {
        if (messages.length != inputs.length) {
            throw new IllegalArgumentException(messages.length + " messages for " + inputs.length + " inputs");
        }
        for (int i = 0; i < inputs.length; i++) {
            assertEquals(copies[i], inputs[i], messages[i]);
        }
    }
}
