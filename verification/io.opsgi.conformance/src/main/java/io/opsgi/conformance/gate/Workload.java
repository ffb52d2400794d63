package io.opsgi.conformance.gate;

import io.opsgi.conformance.VectorCase;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One representative call of an op the gate checks and times a kernel on: a standard workload
 * (ResNet-18 and MobileNetV2 layers, {@code ../shared/perf/workloads.json}) or a vector case's
 * configuration scaled to a realistic size.
 *
 * @param name   the workload id, or the vector case's name with the scale, e.g. {@code relu_random_4d x87381}
 * @param attrs  attributes in PyTorch's terms, as in the vectors
 * @param inputs named inputs
 */
record Workload(String name, String op, Map<String, Object> attrs, Map<String, Tensor> inputs) {

    /** The case this call is configured as, for {@code Tolerances} (which reads its op and attributes). */
    VectorCase asCase() {
        return new VectorCase(name, op, attrs, Map.of(), Map.of(), null, null, List.of());
    }

    int inputElements() {
        Tensor x = inputs.get("input");
        return x == null ? 0 : x.size();
    }

    /** E.g. {@code relu_random_4d x87381 input=[...]}: enough to reproduce the call. */
    String describe() {
        return name + " " + inputs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().shape()).collect(Collectors.joining(" "))
                + " " + attrs;
    }
}
