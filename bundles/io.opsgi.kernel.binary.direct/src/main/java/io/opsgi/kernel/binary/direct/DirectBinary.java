package io.opsgi.kernel.binary.direct;

import io.opsgi.op.BinaryKernel;
import io.opsgi.op.BinaryOp;
import io.opsgi.op.BroadcastGeometry;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.Pow;
import io.opsgi.tensor.Shape;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference add, sub, mul, div and pow with broadcasting: the output walked in row-major order,
 * each operand's position following it through the broadcast strides, and one float operation per
 * element. For add to div that is one correctly rounded operation, which is
 * what PyTorch computes too (bit for bit, the sign of zero and NaN included; div is a true
 * division, never a multiplication by a reciprocal); pow is the contract's {@link Pow#of}.
 */
@Component(service = {Kernel.class, BinaryKernel.class})
@KernelInfo(op = {"add", "sub", "mul", "div", "pow", "maximum", "minimum"}, variant = "direct")
@ServiceRanking(0)
public final class DirectBinary implements BinaryKernel {

    @Override
    public void binary(BroadcastGeometry g, float[] input, float[] other, float[] y) {
        Shape out = g.output();
        int rank = out.rank();
        int[] inputStrides = g.inputStrides(), otherStrides = g.otherStrides();
        int[] index = new int[rank]; // the output element's multi-index
        int a = 0, b = 0; // where it reads input and other
        for (int i = 0; i < y.length; i++) {
            y[i] = apply(g.op(), input[a], other[b]);
            // the next output index, last dimension fastest (an odometer); each operand moves by its stride, 0 where broadcast
            for (int d = rank - 1; d >= 0; d--) {
                a += inputStrides[d];
                b += otherStrides[d];
                if (++index[d] < out.dim(d)) {
                    break;
                }
                a -= inputStrides[d] * out.dim(d);
                b -= otherStrides[d] * out.dim(d);
                index[d] = 0;
            }
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
            case POW:
                return Pow.of(a, b);
            case MAXIMUM: // NaN from either side, else std::max(a, b) = a < b ? b : a (so maximum(-0, 0) is -0, as torch's)
                return a != a || b != b ? Float.NaN : a < b ? b : a;
            case MINIMUM: // std::min(a, b) = b < a ? b : a
                return a != a || b != b ? Float.NaN : b < a ? b : a;
            default:
                throw new IllegalArgumentException("direct binary: unknown op " + op.op());
        }
    }
}
