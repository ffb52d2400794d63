package io.opsgi.properties;

import static io.opsgi.properties.Generators.ints;
import static io.opsgi.properties.Generators.seeds;

import io.opsgi.op.Dropout;
import io.opsgi.op.DropoutAttrs;
import io.opsgi.op.OpException;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** dropout at inference has no kernel: nn.Dropout(p).eval() returns its input itself for every p in [0, 1], and refuses any other p. */
@Domain(DomainContext.Global.class)
@Tries(500)
class DropoutProperties {

    @Provide
    Arbitrary<List<Integer>> shapes() {
        return ints(0, 4).flatMap(r -> ints(0, 5).list().ofSize(r));
    }

    @Property
    void identityForEveryProbability(@ForAll("shapes") List<Integer> shape, @ForAll("probabilities") double p, @ForAll("seed") long seed) {
        Tensor x = SeededData.withSpecials(SeededData.shape(shape), seed, Role.INPUT);
        int[] before = SeededData.bits(x);
        Tensor y = Dropout.apply(x, new DropoutAttrs(p));
        if (y != x || !java.util.Arrays.equals(before, SeededData.bits(x))) {
            throw new AssertionError("dropout(p=" + p + ") on " + x.shape() + " did not return its input unchanged");
        }
    }

    @Provide
    Arbitrary<Double> probabilities() {
        return Arbitraries.oneOf(Arbitraries.of(0.0, 0.5, 1.0), Arbitraries.doubles().between(0, 1));
    }

    @Provide
    Arbitrary<Long> seed() {
        return seeds();
    }

    @Provide
    Arbitrary<Double> outOfRange() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(-10, -1e-6).ofScale(6), Arbitraries.doubles().between(1.000001, 10).ofScale(6),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
    }

    /** torch: "dropout probability has to be between 0 and 1, but got 1.5". */
    @Property
    void probabilityOutsideZeroOneIsRefused(@ForAll("outOfRange") double p) {
        try {
            new DropoutAttrs(p);
        } catch (OpException e) {
            if (!e.rule().equals("probability_range") || !e.getMessage().startsWith("dropout: ")) {
                throw new AssertionError("dropout p=" + p + " raised " + e.rule() + ": " + e.getMessage(), e);
            }
            return;
        }
        throw new AssertionError("dropout accepted p=" + p);
    }
}
