package org.example.kernels.template;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import org.junit.jupiter.api.Test;

/** A quick check before the real one (`./opsgi verify --bundle`, which replays PyTorch's vectors). */
class TemplateReluTest {
    @Test
    void keepsPyTorchsSignedZeroNanAndInfinities() {
        float[] x = {-2f, -0f, 0f, 1.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] y = new float[x.length];
        new TemplateRelu().activate(ActivationAttrs.of(Activation.RELU), x, y);
        // torch.relu(torch.tensor([-2., -0., 0., 1.5, nan, inf, -inf])) in PyTorch 1.13; assertArrayEquals
        // compares float bits, so -0.0 and 0.0 differ.
        assertArrayEquals(new float[] {0f, -0f, 0f, 1.5f, Float.NaN, Float.POSITIVE_INFINITY, 0f}, y);
    }
}
