package io.opsgi.properties;

import static io.opsgi.properties.Generators.ints;
import static io.opsgi.properties.Generators.seeds;

import io.opsgi.op.Flatten;
import io.opsgi.op.FlattenAttrs;
import io.opsgi.op.OpException;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple.Tuple3;
import net.jqwik.api.Tuple;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/**
 * flatten has no kernel (a reshape): its shape against torch.flatten's rule written here, the data
 * untouched in row-major order, and the error rule of every out-of-range or crossed dimension pair.
 */
@Domain(DomainContext.Global.class)
@Tries(1000)
class FlattenProperties {

    /** A shape of rank 0 to 5 (dimensions 0 to 4) and two dimension indices anywhere in [-rank-1, rank]. */
    @Provide
    Arbitrary<Tuple3<List<Integer>, Integer, Integer>> anyDims() {
        return ints(0, 5).flatMap(r -> Combinators.combine(ints(0, 4).list().ofSize(r), ints(-Math.max(1, r) - 1, Math.max(1, r)),
                ints(-Math.max(1, r) - 1, Math.max(1, r))).as(Tuple::of));
    }

    /** torch.flatten: dims wrap over max(rank, 1); start > end is refused; else dims start..end become their product. */
    @Property
    void shapeAndErrorsFollowTorch(@ForAll("anyDims") Tuple3<List<Integer>, Integer, Integer> t) {
        List<Integer> dims = t.get1();
        int rank = Math.max(1, dims.size()), start = t.get2(), end = t.get3();
        Shape x = SeededData.shape(dims);
        FlattenAttrs a = new FlattenAttrs(start, end);
        String rule = null;
        if (start < -rank || start >= rank || end < -rank || end >= rank) {
            rule = "dim_range";
        } else if ((start + rank) % rank > (end + rank) % rank) {
            rule = "start_after_end";
        }
        try {
            Shape y = Flatten.outputShape(x, a);
            if (rule != null) {
                throw new AssertionError("flatten accepted " + x + " start_dim=" + start + " end_dim=" + end + "; expected rule " + rule);
            }
            int s = (start + rank) % rank, e = (end + rank) % rank;
            List<Integer> expected = new ArrayList<>();
            if (dims.isEmpty()) {
                expected.add(1);
            } else {
                int merged = 1;
                for (int d = 0; d < dims.size(); d++) {
                    if (d < s || d > e) {
                        expected.add(dims.get(d));
                    } else {
                        merged *= dims.get(d);
                        if (d == e) {
                            expected.add(merged);
                        }
                    }
                }
            }
            if (!SeededData.shape(expected).equals(y)) {
                throw new AssertionError("flatten " + x + " start_dim=" + start + " end_dim=" + end + " gave " + y + ", expected " + expected);
            }
        } catch (OpException e) {
            if (!e.rule().equals(rule) || !e.getMessage().startsWith("flatten: ")) {
                throw new AssertionError("flatten " + x + " start_dim=" + start + " end_dim=" + end + " raised " + e.rule() + " (" + e.getMessage()
                        + "), expected " + (rule == null ? "success" : rule), e);
            }
        }
    }

    @Provide
    Arbitrary<Tuple3<List<Integer>, Integer, Long>> validDims() {
        return ints(1, 5).flatMap(r -> Combinators.combine(ints(0, 4).list().ofSize(r), ints(0, r - 1), seeds()).as(Tuple::of));
    }

    /** The result holds the input's elements in the same order, bit for bit, and the input is not touched. */
    @Property
    void dataIsUnchanged(@ForAll("validDims") Tuple3<List<Integer>, Integer, Long> t) {
        Tensor x = SeededData.withSpecials(SeededData.shape(t.get1()), t.get3(), Role.INPUT);
        int[] before = SeededData.bits(x);
        Tensor y = Flatten.apply(x, new FlattenAttrs(t.get2(), -1));
        if (!java.util.Arrays.equals(before, SeededData.bits(y)) || !java.util.Arrays.equals(before, SeededData.bits(x))) {
            throw new AssertionError("flatten " + x.shape() + " start_dim=" + t.get2() + " changed the data");
        }
        if (y.shape().rank() != t.get2() + 1 || y.size() != x.size()) {
            throw new AssertionError("flatten " + x.shape() + " start_dim=" + t.get2() + " gave " + y.shape());
        }
    }
}
