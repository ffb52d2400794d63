package io.opsgi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelState;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunWaitingTest {
    private static KernelDescriptor kernel(String op, String variant, KernelState state) {
        return new KernelDescriptor(op, variant, 0, 1, "b", state, false, false, null);
    }

    @Test
    void namesThePendingKernelsOfTheNetworksOpsOnly() {
        List<KernelDescriptor> kernels = List.of(kernel("conv2d", "gemm", KernelState.PENDING), kernel("conv2d", "direct", KernelState.VERIFIED),
                kernel("relu", "vector", KernelState.PENDING), kernel("softmax", "direct", KernelState.PENDING), kernel("conv2d", "blocked", KernelState.PENDING));
        assertEquals("the gate is verifying 3 kernels of this network's ops first (blocked conv2d, gemm conv2d, vector relu); ./opsgi list shows them",
                Run.waiting(kernels, Set.of("conv2d", "relu")));
        assertEquals("the gate is verifying 1 kernel of this network's ops first (direct softmax); ./opsgi list shows them",
                Run.waiting(kernels, Set.of("softmax")));
    }

    @Test
    void saysNothingWhenNoneIsPending() {
        assertNull(Run.waiting(List.of(kernel("conv2d", "gemm", KernelState.VERIFIED), kernel("relu", "vector", KernelState.PENDING)), Set.of("conv2d")));
    }
}
