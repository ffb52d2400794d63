package io.opsgi.properties;

import io.opsgi.op.Kernel;
import io.opsgi.op.OpException;
import io.opsgi.op.Tolerance;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws every kernel of one op family obeys, as jqwik contract tests: each {@code *Properties}
 * class implements this interface once for its family, and every property runs over every
 * discovered implementation ({@code @ForAll("kernels")}), so a falsified property names the
 * kernel that broke it and a new kernel module is covered with no edit.
 *
 * <p>Each law is a plain method too: the fixture tests call them on deliberately wrong kernels.
 */
public interface KernelContract<K extends Kernel, C extends OpCase> {
    Class<K> family();

    @Provide
    Arbitrary<C> valid();

    @Provide
    Arbitrary<Invalid<K>> invalid();

    @Provide
    default Arbitrary<KernelUnderTest<K>> kernels() {
        return Kernels.arbitrary(family());
    }

    /** Runs {@code c} through the op's contract class with {@code kernel}, on exactly these input tensors. */
    Outputs run(K kernel, C c, List<Tensor> inputs);

    /** The output shape from the documented formula, computed in this suite. */
    Shape expectedShape(C c);

    /** The contract's own output-shape function (no kernel involved). */
    Shape contractShape(C c);

    /** The names of {@link OpCase#inputs()} in PyTorch's terms ({@code input}, {@code weight}, ...). */
    List<String> inputNames();

    /** The attributes the conformance tolerance depends on, in PyTorch's terms (e.g. conv_transpose2d's stride). */
    default Map<String, Object> torchAttrs(C c) {
        return Map.of();
    }

    /** How close a non-reference kernel must come to the reference on {@code c}: {@code io.opsgi.conformance.Tolerances}. */
    default Tolerance tolerance(C c, List<Tensor> inputs, Tensor expected) {
        Map<String, Tensor> named = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) != null) {
                named.put(inputNames().get(i), inputs.get(i));
            }
        }
        return Closeness.forOp(c.op(), torchAttrs(c), named, expected);
    }

    @Property
    default void outputShapeEqualsFormula(@ForAll("kernels") KernelUnderTest<K> k, @ForAll("valid") C c) {
        Assume.that(k.serves(c.op()));
        Shape expected = expectedShape(c);
        Shape contract = contractShape(c);
        if (!expected.equals(contract)) {
            throw new AssertionError(c.op() + " outputShape " + contract + " but the formula gives " + expected);
        }
        Shape actual = run(k.kernel(), c, c.inputs()).main().shape();
        if (!expected.equals(actual)) {
            throw new AssertionError(k + " returned shape " + actual + " but the formula gives " + expected);
        }
    }

    @Property
    default void invalidConfigurationRaisesItsRule(@ForAll("kernels") KernelUnderTest<K> k, @ForAll("invalid") Invalid<K> c) {
        try {
            c.call().run(k.kernel());
        } catch (OpException e) {
            if (!c.rule().equals(e.rule()) || !c.op().equals(e.op())) {
                throw new AssertionError("expected " + c.op() + " rule " + c.rule() + " but got " + e.op() + " rule " + e.rule() + ": "
                        + e.getMessage(), e);
            }
            if (!e.getMessage().startsWith(c.op() + ": ")) {
                throw new AssertionError("message must read '<op>: <rule in words>, got <values>': " + e.getMessage());
            }
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("expected OpException(" + c.rule() + ") but got " + e, e);
        }
        throw new AssertionError("expected OpException(" + c.rule() + ") but the call succeeded");
    }

    /** Every kernel equals the reference ("direct") within {@link #closeness}; the reference equals itself bit for bit. */
    @Property
    default void agreesWithReference(@ForAll("kernels") KernelUnderTest<K> k, @ForAll("valid") C c) {
        Assume.that(k.serves(c.op()));
        KernelUnderTest<K> reference = Kernels.reference(family(), c.op());
        agreesWith(k, reference, c);
    }

    default void agreesWith(KernelUnderTest<K> k, KernelUnderTest<K> reference, C c) {
        List<Tensor> in = c.inputs();
        Outputs expected = run(reference.kernel(), c, in);
        Outputs actual = run(k.kernel(), c, in);
        boolean itself = k.kernel() == reference.kernel();
        for (int i = 0; i < expected.tensors().size(); i++) {
            Tensor e = expected.tensors().get(i), a = actual.tensors().get(i);
            if (e == null || a == null) {
                if (e != a) {
                    throw new AssertionError(k + " output " + i + " is " + a + " but the reference's is " + e);
                }
                continue;
            }
            Tolerance tolerance = itself ? Closeness.exact("a kernel is deterministic") : tolerance(c, in, e);
            Closeness.assertClose(tolerance, a, e, k + " vs " + reference + " output " + i);
        }
        if (expected.indices() != null) {
            Closeness.assertEqualIndices(actual.indices(), expected.indices(), k + " vs " + reference + " indices");
        }
    }

    /** No kernel writes its inputs (they are shared, immutable tensors). */
    @Property
    default void inputsUnchanged(@ForAll("kernels") KernelUnderTest<K> k, @ForAll("valid") C c) {
        Assume.that(k.serves(c.op()));
        List<Tensor> in = c.inputs();
        List<int[]> before = new ArrayList<>();
        for (Tensor t : in) {
            before.add(SeededData.bits(t));
        }
        run(k.kernel(), c, in);
        for (int i = 0; i < in.size(); i++) {
            if (!Arrays.equals(before.get(i), SeededData.bits(in.get(i)))) {
                throw new AssertionError(k + " wrote its input " + i + " (" + in.get(i).shape() + ")");
            }
        }
    }
}
