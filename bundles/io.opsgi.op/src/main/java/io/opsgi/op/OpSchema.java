package io.opsgi.op;

import io.opsgi.tensor.Shape;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Everything known about one operator apart from its kernels, in one place (as ONNX's OpSchema or
 * ATen's meta functions): the output shape from input shapes and attributes (the contract's own
 * shape function, never a copy), the reduction length K of one output element, the tolerance class
 * against PyTorch, and the facts a network needs: multiply-adds and the effect on the receptive
 * field. Each contract class holds its {@code SCHEMA}; {@link Operators#schema} finds it by name.
 * Nobody else switches on op names: adding an operator is a contract (with its schema), a line in
 * {@link Operators}, and a kernel.
 *
 * @param name          the op name, e.g. {@code conv2d}
 * @param operator      the operator kernels serve; null for the kernel-less ops (flatten, dropout)
 * @param outputShape   the output shape, or the contract's {@link OpException}
 * @param reduction     K, the number of terms summed into one output element (1 for none)
 * @param tolerance     the tolerance class for a node and its output shape
 * @param toleranceSummary the class for reports, with how it depends on the node: {@code bit-exact (1x1: sqrt(K))}
 * @param macs          multiply-adds of one run, given the output shape
 * @param field         the receptive field after the op, from those of its inputs
 * @param networkDepth  the op's share of a network's tolerance, in units of {@code c·u·(max|y| + 1)}
 *                      (default: its tolerance class's {@link ToleranceClass#depth})
 * @param onnxNotes     where the ONNX operator this op imports differs from PyTorch's, one sentence each, in
 *                      the one place such a difference is written down (e.g. HardSigmoid's default alpha)
 */
public record OpSchema(String name, Operator operator, Function<OpNode, Shape> outputShape, ToIntFunction<OpNode> reduction,
        Rule<ToleranceClass> tolerance, String toleranceSummary, Rule<Long> macs, FieldRule field, Rule<Double> networkDepth,
        List<String> onnxNotes) {

    public OpSchema {
        onnxNotes = onnxNotes == null ? List.of() : List.copyOf(onnxNotes);
    }

    /** A schema without ONNX notes (the constructor of io.opsgi.op 1.2). */
    public OpSchema(String name, Operator operator, Function<OpNode, Shape> outputShape, ToIntFunction<OpNode> reduction,
            Rule<ToleranceClass> tolerance, String toleranceSummary, Rule<Long> macs, FieldRule field, Rule<Double> networkDepth) {
        this(name, operator, outputShape, reduction, tolerance, toleranceSummary, macs, field, networkDepth, List.of());
    }

    /** A fact of a node given its output shape. */
    @FunctionalInterface
    @org.osgi.annotation.versioning.ConsumerType
    public interface Rule<T> {
        T of(OpNode node, Shape output);
    }

    /** The receptive field after a node, from the fields of its inputs (in input order). */
    @FunctionalInterface
    @org.osgi.annotation.versioning.ConsumerType
    public interface FieldRule {
        ReceptiveField after(OpNode node, List<ReceptiveField> inputs, Shape output);
    }

    /** A bit-exact op that reduces nothing, costs no multiply-adds and passes the receptive field through; refine with the withers. */
    public static OpSchema of(String name, Operator operator, Function<OpNode, Shape> outputShape) {
        return new OpSchema(name, operator, outputShape, n -> 1, (n, out) -> ToleranceClass.BIT_EXACT, ToleranceClass.BIT_EXACT.label(), (n, out) -> 0L,
                (n, in, out) -> in.get(0), null);
    }

    public OpSchema withTolerance(ToleranceClass c) {
        return new OpSchema(name, operator, outputShape, reduction, (n, out) -> c, c.label(), macs, field, networkDepth, onnxNotes);
    }

    /** A class that depends on the node (bilinear upsampling): {@code usual} unless {@code rule} says otherwise; {@code note} says when. */
    public OpSchema withTolerance(ToleranceClass usual, String note, Rule<ToleranceClass> rule) {
        return new OpSchema(name, operator, outputShape, reduction, rule, usual.label() + " (" + note + ")", macs, field, networkDepth, onnxNotes);
    }

    public OpSchema withReduction(ToIntFunction<OpNode> k) {
        return new OpSchema(name, operator, outputShape, k, tolerance, toleranceSummary, macs, field, networkDepth, onnxNotes);
    }

    public OpSchema withMacs(Rule<Long> m) {
        return new OpSchema(name, operator, outputShape, reduction, tolerance, toleranceSummary, m, field, networkDepth, onnxNotes);
    }

    public OpSchema withField(FieldRule f) {
        return new OpSchema(name, operator, outputShape, reduction, tolerance, toleranceSummary, macs, f, networkDepth, onnxNotes);
    }

    /** Overrides the network depth term where it is not the tolerance class's (say why at the call). */
    public OpSchema withNetworkDepth(Rule<Double> d) {
        return new OpSchema(name, operator, outputShape, reduction, tolerance, toleranceSummary, macs, field, d, onnxNotes);
    }

    /**
     * Adds one difference between the ONNX operator and PyTorch's (defaults, formula, rounding, refused forms),
     * as one sentence: what the importer and anyone comparing against ONNX Runtime must know.
     */
    public OpSchema withOnnxNote(String note) {
        List<String> notes = new java.util.ArrayList<>(onnxNotes);
        notes.add(note);
        return new OpSchema(name, operator, outputShape, reduction, tolerance, toleranceSummary, macs, field, networkDepth, notes);
    }

    /** The window of a sliding-window op (dilated extent kh x kw, stride sh x sw) applied to the input's field. */
    public static FieldRule window(Function<OpNode, double[]> khKwShSw) {
        return (n, in, out) -> {
            double[] w = khKwShSw.apply(n);
            return in.get(0).window(w[0], w[1], w[2], w[3]);
        };
    }

    /** The output shape; an invalid node throws the contract's {@link OpException}. */
    public Shape outputShape(OpNode n) {
        return outputShape.apply(n);
    }

    /** K for one output element of {@code n}. */
    public int reductionLength(OpNode n) {
        return reduction.applyAsInt(n);
    }

    public ToleranceClass toleranceClass(OpNode n, Shape output) {
        return tolerance.of(n, output);
    }

    /** The tolerance class for reports, e.g. {@code bit-exact (1x1: sqrt(K))}. */
    public String describeTolerance() {
        return toleranceSummary;
    }

    /** Multiply-adds of one run; saturates at {@link Long#MAX_VALUE} rather than wrapping. */
    public long macs(OpNode n, Shape output) {
        return macs.of(n, output);
    }

    public ReceptiveField fieldAfter(OpNode n, List<ReceptiveField> inputs, Shape output) {
        return field.after(n, inputs, output);
    }

    /** This op's term in a network's tolerance (see {@link ToleranceClass#depth}). */
    public double networkDepth(OpNode n, Shape output) {
        return networkDepth != null ? networkDepth.of(n, output) : toleranceClass(n, output).depth(reductionLength(n), n.input());
    }

    /** The named inputs a node of this op may have, in PyTorch's order. */
    public List<String> inputs() {
        return operator != null ? operator.inputs() : List.of("input");
    }

    /** The product of non-negative factors, {@link Long#MAX_VALUE} if it does not fit: a count that never wraps negative. */
    public static long saturatingProduct(long... factors) {
        long p = 1;
        for (long f : factors) {
            if (f == 0) {
                return 0;
            }
            p = p > Long.MAX_VALUE / f ? Long.MAX_VALUE : p * f;
        }
        return p;
    }
}
