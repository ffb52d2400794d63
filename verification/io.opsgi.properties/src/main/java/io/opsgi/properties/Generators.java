package io.opsgi.properties;

import io.opsgi.op.HW;
import io.opsgi.op.Kernel;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Small building blocks shared by the generators of {@link OpsgiDomain}. */
final class Generators {
    private Generators() {
    }

    static Arbitrary<Integer> ints(int lo, int hi) {
        return Arbitraries.integers().between(lo, hi);
    }

    /** An (h, w) pair with independent halves, each in [lo, hi]: shrinks to [lo, lo]. */
    static Arbitrary<HW> hw(int lo, int hi) {
        return Combinators.combine(ints(lo, hi), ints(lo, hi)).as(HW::of);
    }

    /** Data seeds: any seed is as good as another, and they shrink to 0. */
    static Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(0, 1_000_000);
    }

    /** Batch size: mostly 1 or 2, sometimes an empty batch (a state, not an error). */
    static Arbitrary<Integer> batch() {
        return Arbitraries.frequency(Tuple.of(10, 1), Tuple.of(5, 2), Tuple.of(1, 0));
    }

    static Tensor tensor(Shape s, long seed) {
        return SeededData.uniform(s, seed, Role.SECOND);
    }

    /** A mutation that turns a valid case into an invalid one, or null where it does not apply. */
    record Mutation<C, K extends Kernel>(String rule, Function<C, Invalid<K>> apply) {
        @Override
        public String toString() {
            return rule;
        }
    }

    /** Valid cases, each broken by one mutation: the invalid configurations of an op. */
    static <C, K extends Kernel> Arbitrary<Invalid<K>> invalid(Arbitrary<C> valid, List<Mutation<C, K>> mutations) {
        return Combinators.combine(valid, Arbitraries.of(mutations)).as((c, m) -> m.apply().apply(c)).filter(Objects::nonNull);
    }
}
