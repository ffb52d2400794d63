package io.opsgi.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Conv2d;
import io.opsgi.op.OpException;
import io.opsgi.op.OpNode;
import io.opsgi.op.OpSchema;
import io.opsgi.op.Operators;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every operator schema's output shape against PyTorch's, on every valid reference case: the shapes
 * come from the NPY headers alone, so no kernel runs and nothing but the schema is judged.
 */
class SchemaShapesMatchPyTorchTest {

    @Test
    void every_schema_gives_pytorchs_output_shape_on_every_valid_case() throws Exception {
        List<VectorCase> cases = ReferenceVectorReplayTest.vectors().cases();
        Set<String> covered = new TreeSet<>();
        List<String> wrong = mismatches(cases, Operators::schema, covered);
        assertTrue(wrong.isEmpty(), wrong.size() + " cases where the schema disagrees with PyTorch, e.g. " + wrong.subList(0, Math.min(5, wrong.size())));
        Set<String> withVectors = new TreeSet<>(ReferenceVectorReplayTest.vectors().ops());
        withVectors.retainAll(Operators.schemas().stream().map(OpSchema::name).toList());
        assertEquals(withVectors, covered, "every op with valid vectors was checked");
    }

    /** The check bites: conv2d's schema with the stride forgotten disagrees with PyTorch on the strided cases. */
    @Test
    void a_schema_that_forgets_the_stride_is_caught() throws Exception {
        OpSchema strideless = OpSchema.of(Conv2d.OP, Conv2d.OPERATOR, n -> {
            Map<String, Object> attrs = new LinkedHashMap<>(n.attrs());
            attrs.remove("stride");
            return Conv2d.outputShape(n.input(), n.shape("weight"), n.optional("bias"), Conv2d.attrs(attrs));
        });
        List<VectorCase> conv = ReferenceVectorReplayTest.vectors().cases(Conv2d.OP);
        List<String> wrong = mismatches(conv, op -> strideless, new TreeSet<>());
        assertFalse(wrong.isEmpty(), "a stride-blind conv2d schema passed every conv2d case");
        assertTrue(wrong.stream().allMatch(w -> w.contains("stride")), wrong.get(0));
    }

    private static List<String> mismatches(List<VectorCase> cases, Function<String, OpSchema> schemas, Set<String> covered) throws IOException {
        List<String> wrong = new ArrayList<>();
        for (VectorCase c : cases) {
            if (c.isErrorCase() || !c.expected().containsKey("output") || !Operators.schemas().stream().anyMatch(s -> s.name().equals(c.op()))) {
                continue;
            }
            Map<String, Shape> shapes = new LinkedHashMap<>();
            for (Map.Entry<String, Path> in : c.inputs().entrySet()) {
                shapes.put(in.getKey(), Npy.readHeader(in.getValue()).shape());
            }
            Shape expected = Npy.readHeader(c.expected().get("output")).shape();
            covered.add(c.op());
            try {
                Shape got = schemas.apply(c.op()).outputShape(new OpNode(c.op(), shapes, c.attrs()));
                if (!got.equals(expected)) {
                    wrong.add(c.name() + " " + c.attrs() + ": schema " + got + ", PyTorch " + expected);
                }
            } catch (OpException e) {
                wrong.add(c.name() + " " + c.attrs() + ": schema refused (" + e.getMessage() + "), PyTorch gave " + expected);
            }
        }
        return wrong;
    }
}
