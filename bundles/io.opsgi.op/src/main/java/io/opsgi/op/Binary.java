package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The binary element-wise contracts {@code add}, {@code sub}, {@code mul}, {@code div}, {@code pow}, {@code maximum} and
 * {@code minimum} ({@code torch.add/sub/mul/div/pow/maximum/minimum(input, other)}, alpha 1, true division, pow as
 * {@link Pow#of}) with
 * torch's broadcasting: one {@link BinaryKernel} family, one shape rule, one schema each.
 */
public final class Binary {
    private Binary() {
    }

    /**
     * torch.broadcast_shapes (ATen infer_size): shapes aligned at their last dimension; each pair of
     * sizes must be equal or one of them 1 (a missing dimension counts as 1), the output takes the
     * other. ATen checks from the last dimension backwards and reports the first mismatch it meets.
     */
    public static Shape outputShape(String op, Shape input, Shape other) {
        int rank = Math.max(input.rank(), other.rank());
        long[] dims = new long[rank];
        for (int d = rank - 1; d >= 0; d--) {
            int a = sizeAt(input, d, rank), b = sizeAt(other, d, rank);
            // torch: "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"
            OpException.check(a == b || a == 1 || b == 1, op, "shape_mismatch",
                    "the size of tensor a (" + a + ") must match the size of tensor b (" + b + ") at non-singleton dimension " + d
                            + ", got input of size " + input + " and other of size " + other);
            dims[d] = a == 1 ? b : a;
        }
        return Shapes.output(op, dims);
    }

    /** The size of {@code s} at output dimension {@code d} of an output of rank {@code rank}: 1 where s has no such dimension. */
    private static int sizeAt(Shape s, int d, int rank) {
        int own = d - (rank - s.rank());
        return own < 0 ? 1 : s.dim(own);
    }

    /** The geometry of {@code input op other}: the broadcast output shape and each operand's strides over it. */
    public static BroadcastGeometry plan(BinaryOp op, Shape input, Shape other) {
        Shape out = outputShape(op.op(), input, other);
        return new BroadcastGeometry(op, out, strides(input, out), strides(other, out));
    }

    /** Row-major strides of {@code s} over the output's dimensions, 0 where s is broadcast (size 1 or missing). */
    private static int[] strides(Shape s, Shape out) {
        int[] strides = new int[out.rank()];
        int stride = 1;
        for (int d = out.rank() - 1; d >= 0; d--) {
            int own = d - (out.rank() - s.rank());
            int size = own < 0 ? 1 : s.dim(own);
            strides[d] = size == 1 ? 0 : stride;
            stride *= size;
        }
        return strides;
    }

    /** {@code input op other} after broadcasting; one float operation per element (see {@link BinaryOp}). Inputs are never written. */
    public static Tensor apply(BinaryKernel kernel, BinaryOp op, Tensor input, Tensor other) {
        BroadcastGeometry g = plan(op, input.shape(), other.shape());
        float[] y = new float[g.output().size()];
        if (y.length > 0) {
            kernel.binary(g, input.buffer(), other.buffer(), y);
        }
        return Tensor.wrap(g.output(), y);
    }

    /** The generic operator of {@code op}: inputs {@code input} and {@code other}, no attributes. */
    public static Operator operator(BinaryOp op) {
        return OPERATORS.get(op.ordinal());
    }

    /** The schema of {@code op}. */
    public static OpSchema schema(BinaryOp op) {
        return SCHEMAS.get(op.ordinal());
    }

    private static final List<Operator> OPERATORS = new ArrayList<>();
    private static final List<OpSchema> SCHEMAS = new ArrayList<>();

    static {
        for (BinaryOp op : BinaryOp.values()) {
            Operator o = new OperatorSpec(op.op(), BinaryKernel.class, List.of("input", "other"), (kernel, attrs, in) ->
                    Map.of("output", apply((BinaryKernel) kernel, op, Operators.required(op.op(), in, "input"), Operators.required(op.op(), in, "other"))));
            OPERATORS.add(o);
            SCHEMAS.add(op == BinaryOp.POW ? powSchema(o) : arithmeticSchema(op, o));
        }
    }

    /*
     * One correctly rounded operation per element (maximum and minimum a selection, exact): bit-exact on PyTorch's inputs (measured: torch
     * 1.13's CPU add/sub/mul/div equal numpy's float32 a op b bit for bit, also with a 0-d, a (C,1,1)
     * or a (W,) operand; div is a true division there, not a * (1/b)). In a network the two inputs
     * already differ from PyTorch's and the result is rounded once more: one unit of depth.
     */
    private static OpSchema arithmeticSchema(BinaryOp op, Operator o) {
        return OpSchema.of(op.op(), o, n -> outputShape(op.op(), n.input(), n.shape("other")))
                .withField((n, in, out) -> in.get(0).merge(in.get(1)))
                .withNetworkDepth((n, out) -> 1.0)
                .withOnnxNote("ONNX " + onnxName(op) + " (opset 7 and later) broadcasts multidirectionally as numpy does, the same rule as torch's;"
                        + " opset 6 and older broadcast only with the explicit broadcast/axis attributes, which opsgi does not import")
                .withOnnxNote(op == BinaryOp.DIV ? "ONNX Div on float tensors is true division, as torch.div with rounding_mode None"
                        : op == BinaryOp.MAXIMUM || op == BinaryOp.MINIMUM
                        ? "ONNX " + onnxName(op) + " takes one or more inputs: the importer folds them pairwise, left to right; it propagates NaN"
                                + " as torch." + op.op() + " does, and of two equal zeros keeps the first (std::" + op.symbol() + ")"
                        : "ONNX " + onnxName(op) + " has no alpha: torch's alpha other than 1 is not part of this op");
    }

    /*
     * PyTorch's tensor ** tensor is Sleef's powf (1.0 ulp) on whole vectors and std::pow on the tail; opsgi's
     * is the double power rounded to float: up to 1 ulp apart (Pow#of), so a libm op's tolerance, assert_close.
     */
    private static OpSchema powSchema(Operator o) {
        return OpSchema.of(Pow.OP, o, n -> outputShape(Pow.OP, n.input(), n.shape("other")))
                .withTolerance(ToleranceClass.ASSERT_CLOSE)
                .withField((n, in, out) -> in.get(0).merge(in.get(1)))
                .withOnnxNote("ONNX Pow (opset 7 and later) broadcasts multidirectionally as numpy does, the same rule as torch's")
                .withOnnxNote("ONNX Pow's exponent may be an integer tensor (from opset 12): the importer reads its values as float32 exponents,"
                        + " exact up to 2^24 in magnitude; an integer base is refused (opsgi computes float32 only)")
                .withOnnxNote("ONNX Runtime computes a scalar exponent 2 or 3 as x*x and x*x*x, as torch.pow(tensor, 2 or 3) does;"
                        + " the importer lowers those to mul, this op is the general power");
    }

    private static String onnxName(BinaryOp op) {
        String name = op == BinaryOp.MAXIMUM || op == BinaryOp.MINIMUM ? op.symbol() : op.op();
        return name.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + name.substring(1);
    }

    static List<OpSchema> schemas() {
        return List.copyOf(SCHEMAS);
    }
}
