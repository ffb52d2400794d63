package io.opsgi.kernel.binary.direct;

import io.opsgi.op.BinaryKernel;
import io.opsgi.op.BinaryOp;
import io.opsgi.op.BroadcastGeometry;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.tensor.Shape;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference add, sub, mul and div with broadcasting: for every output element, its index in
 * each operand from the broadcast strides, then one correctly rounded float operation, which is
 * what PyTorch computes too (bit for bit, the sign of zero and NaN included; div is a true
 * division, never a multiplication by a reciprocal).
 */
@Component(service = {Kernel.class, BinaryKernel.class})
@KernelInfo(op = {"add", "sub", "mul", "div"}, variant = "direct")
@ServiceRanking(0)
public final class DirectBinary implements BinaryKernel {

    @Override
    public void binary(BroadcastGeometry g, float[] input, float[] other, float[] y) {
        Shape out = g.output();
        int[] inputStrides = g.inputStrides(), otherStrides = g.otherStrides();
        for (int i = 0; i < y.length; i++) {
            // the output's multi-index, last dimension fastest, mapped through each operand's strides
            int rest = i, a = 0, b = 0;
            for (int d = out.rank() - 1; d >= 0; d--) {
                int coordinate = rest % out.dim(d);
                rest /= out.dim(d);
                a += coordinate * inputStrides[d];
                b += coordinate * otherStrides[d];
            }
            y[i] = apply(g.op(), input[a], other[b]);
        }
    }

    static float apply(BinaryOp op, float a, float b) {
        switch (op) {
            case ADD:
                return a + b;
            case SUB:
                return a - b;
            case MUL:
                return a * b;
            case DIV:
                return a / b;
            default:
                throw new IllegalArgumentException("direct binary: unknown op " + op.op());
        }
    }
}
