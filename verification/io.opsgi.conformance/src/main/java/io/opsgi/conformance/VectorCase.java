package io.opsgi.conformance;

import io.opsgi.op.Tolerance;
import io.opsgi.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One recorded PyTorch call: the op, its attributes in PyTorch's terms (plain Java values: Integer,
 * Double, Boolean, String, List, null), its input files, and either the expected output files or
 * the expected error. Tensors are read on demand, so a loaded directory costs little memory.
 *
 * @param inputs    input name to {@code .npy} file; an absent optional input is simply not a key
 * @param expected  output name ({@code output}, {@code indices}, {@code running_mean}, ...) to file; null for an error case
 * @param error     the refusal PyTorch raised; null for a valid case
 * @param tolerance this case's own tolerance, overriding {@link Tolerances}; usually null
 */
public record VectorCase(String name, String op, Map<String, Object> attrs, Map<String, Path> inputs, Map<String, Path> expected,
        ExpectedError error, Tolerance tolerance, List<String> tags) {

    public VectorCase {
        if ((expected == null) == (error == null)) {
            throw new IllegalArgumentException("case " + name + ": exactly one of expected and error must be given");
        }
        attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        expected = expected == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(expected));
        tags = List.copyOf(tags);
    }

    public boolean isErrorCase() {
        return error != null;
    }

    /** Reads the input tensors (float32). */
    public Map<String, Tensor> readInputs() throws VectorFormatException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : inputs.entrySet()) {
            m.put(e.getKey(), VectorFiles.readFloat(e.getValue()));
        }
        return m;
    }

    /** Reads the expected outputs: {@link io.opsgi.tensor.IndexTensor} for {@code indices}, {@link Tensor} otherwise. */
    public Map<String, Object> readExpected() throws VectorFormatException {
        if (expected == null) {
            throw new IllegalStateException("case " + name + " is an error case; it has no expected outputs");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : expected.entrySet()) {
            m.put(e.getKey(), VectorFiles.readOutput(e.getKey(), e.getValue()));
        }
        return m;
    }

    /** Attributes as JSON would print them, e.g. {@code {kernel_size=[3, 3], stride=null}}. */
    public String attrsText() {
        return new ArrayList<>(attrs.entrySet()).toString();
    }
}
