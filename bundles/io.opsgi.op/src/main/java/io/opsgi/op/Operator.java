package io.opsgi.op;

import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One operator seen generically: its name, the kernel interface that serves it, and how to run a
 * kernel given attributes in PyTorch's own terms ({@code stride}, {@code padding_mode}, ...) and
 * named inputs. This is what the conformance suite and the registry use to drive an op they know
 * only by name. Typed callers use the contract classes directly.
 */
@org.osgi.annotation.versioning.ProviderType
public interface Operator {
    String name();

    Class<? extends Kernel> kernelType();

    /** Input names in PyTorch's order; optional ones may be absent. */
    List<String> inputs();

    /**
     * Parses and validates {@code attrs}, validates the inputs, runs {@code kernel} and returns the
     * named outputs ({@code output}, and {@code indices} or the updated running statistics where the
     * op has them). Values are {@link Tensor} or {@link io.opsgi.tensor.IndexTensor}.
     *
     * @throws OpException when PyTorch would refuse the configuration
     */
    Map<String, Object> run(Kernel kernel, Map<String, ?> attrs, Map<String, Tensor> inputs);
}
