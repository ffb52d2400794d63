package io.opsgi.op;

import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** The {@link Operator} of one contract: its name, kernel type, inputs and how to run it. */
record OperatorSpec(String name, Class<? extends Kernel> kernelType, List<String> inputs, Runner runner) implements Operator {
    interface Runner {
        Map<String, Object> run(Kernel kernel, Map<String, ?> attrs, Map<String, Tensor> inputs);
    }

    @Override
    public Map<String, Object> run(Kernel kernel, Map<String, ?> attrs, Map<String, Tensor> inputs) {
        return runner.run(kernel, attrs, inputs);
    }

    @Override
    public String toString() {
        return name;
    }
}
