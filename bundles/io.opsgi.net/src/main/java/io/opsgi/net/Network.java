package io.opsgi.net;

import io.opsgi.op.OpException;
import io.opsgi.op.OpNode;
import io.opsgi.op.OpSchema;
import io.opsgi.op.ReceptiveField;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * A checked network: every layer's type, attributes, connections, weight files and output shape
 * are known, computed from the operator contracts' shape functions with no kernel run. Built by
 * {@link #plan}, which refuses a description that cannot work with a {@link NetworkException} naming
 * the layer and the rule. Layers are kept in execution order (a topological order of the
 * connections, the written order where the connections allow it).
 */
public final class Network {
    private final NetworkDescription description;
    private final List<PlannedLayer> layers;
    private final Map<String, PlannedLayer> byName;
    private final List<String> outputs;

    private Network(NetworkDescription description, List<PlannedLayer> layers, List<String> outputs) {
        this.description = description;
        this.layers = List.copyOf(layers);
        Map<String, PlannedLayer> m = new HashMap<>();
        layers.forEach(l -> m.put(l.name(), l));
        this.byName = Map.copyOf(m);
        this.outputs = List.copyOf(outputs);
    }

    public NetworkDescription description() {
        return description;
    }

    /** The layers in execution order. */
    public List<PlannedLayer> layers() {
        return layers;
    }

    public PlannedLayer layer(String name) {
        return byName.get(name);
    }

    /** The network's outputs in order: layer names, or {@link NetworkDescription#INPUT} for the input itself. */
    public List<String> outputs() {
        return outputs;
    }

    /** The first output (the only one of most networks). */
    public String output() {
        return outputs.get(0);
    }

    /** Whether value {@code name} (a layer or the input) is one of the outputs: it must outlive the run, as computed. */
    public boolean isOutput(String name) {
        return outputs.contains(name);
    }

    public Shape inputShape() {
        return description.inputShape();
    }

    /** The shape of the first output. */
    public Shape outputShape() {
        return shape(output());
    }

    /** The outputs' shapes, in the order of {@link #outputs()}. */
    public List<Shape> outputShapes() {
        return outputs.stream().map(this::shape).toList();
    }

    private Shape shape(String value) {
        return value.equals(NetworkDescription.INPUT) ? inputShape() : byName.get(value).outputShape();
    }

    /** Trainable parameters, counted as PyTorch's {@code sum(p.numel() for p in model.parameters())}. */
    public long parameters() {
        return saturatingSum(layers.stream().mapToLong(PlannedLayer::parameters).toArray());
    }

    /** Buffers (batch norm running statistics), which PyTorch's parameter count leaves out. */
    public long buffers() {
        return saturatingSum(layers.stream().mapToLong(PlannedLayer::buffers).toArray());
    }

    /** Multiply-adds of one run; saturates at {@link Long#MAX_VALUE} (printed as such) rather than wrapping negative. */
    public long macs() {
        return saturatingSum(layers.stream().mapToLong(PlannedLayer::macs).toArray());
    }

    LayerType type(PlannedLayer l) {
        return LayerTypes.get(l.type());
    }

    /** The sum of non-negative counts, {@link Long#MAX_VALUE} if it does not fit in a long. */
    static long saturatingSum(long... counts) {
        long sum = 0;
        for (long c : counts) {
            sum = sum > Long.MAX_VALUE - c ? Long.MAX_VALUE : sum + c;
        }
        return sum;
    }

    /** Checks {@code d} and infers every shape; no kernel runs. */
    public static Network plan(NetworkDescription d) {
        List<LayerSpec> specs = d.layers();
        if (specs.isEmpty() && d.outputs().isEmpty()) { // with no layers, only the input can be an output (an identity model: its copy)
            throw new NetworkException("no_layers", "the network '" + d.name() + "' has no layers");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec s = specs.get(i);
            if (s.name().equals(NetworkDescription.INPUT) || index.containsKey(s.name())) {
                throw new NetworkException(i + 1, s.name(), s.type(), "duplicate_name", s.name().equals(NetworkDescription.INPUT)
                        ? "the name 'input' is the network's input" : "another layer (" + (index.get(s.name()) + 1) + ") has this name", null);
            }
            index.put(s.name(), i);
        }
        List<List<String>> inputs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            inputs.add(checkSpec(i, specs, index));
        }
        List<Integer> order = topologicalOrder(specs, inputs, index);
        List<String> outputs = d.outputs().isEmpty() ? List.of(specs.get(specs.size() - 1).name()) : d.outputs();
        Set<String> seen = new HashSet<>();
        for (String output : outputs) {
            if (!index.containsKey(output) && !output.equals(NetworkDescription.INPUT)) {
                throw new NetworkException("unknown_input", "the output '" + output + "' is not a layer; layers: " + names(specs));
            }
            if (!seen.add(output)) {
                throw new NetworkException("duplicate_output", "the output '" + output + "' is listed twice in outputs " + outputs);
            }
        }

        Map<String, Shape> shapes = new HashMap<>();
        Map<String, ReceptiveField> fields = new HashMap<>();
        shapes.put(NetworkDescription.INPUT, d.inputShape());
        fields.put(NetworkDescription.INPUT, ReceptiveField.INPUT);
        List<PlannedLayer> planned = new ArrayList<>();
        for (int i : order) {
            PlannedLayer p = planLayer(i + 1, specs.get(i), inputs.get(i), shapes, fields, d.weights());
            shapes.put(p.name(), p.outputShape());
            fields.put(p.name(), p.field());
            planned.add(p);
        }
        return new Network(d, planned, outputs);
    }

    /**
     * Plans a network one layer at a time, for an importer that needs each layer's output shape
     * before it writes the next (an ONNX Reshape target computed from a Shape). A layer may read the
     * input and the layers added before it. Weights are not looked at: {@link #plan} of the finished
     * description checks them.
     */
    public static final class Planner {
        private final List<LayerSpec> specs = new ArrayList<>();
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Shape> shapes = new HashMap<>();
        private final Map<String, ReceptiveField> fields = new HashMap<>();

        public Planner(Shape inputShape) {
            shapes.put(NetworkDescription.INPUT, inputShape);
            fields.put(NetworkDescription.INPUT, ReceptiveField.INPUT);
        }

        /** Plans {@code s} after the layers added so far and returns its output shape; a layer that cannot work is not added. */
        public Shape add(LayerSpec s) {
            int i = specs.size();
            if (s.name().equals(NetworkDescription.INPUT) || index.containsKey(s.name())) {
                throw new NetworkException(i + 1, s.name(), s.type(), "duplicate_name", "another layer or the input has this name", null);
            }
            specs.add(s);
            index.put(s.name(), i);
            try {
                List<String> in = checkSpec(i, specs, index);
                PlannedLayer p = planLayer(i + 1, s, in, shapes, fields, new WeightSource.Seeded(0));
                shapes.put(p.name(), p.outputShape());
                fields.put(p.name(), p.field());
                return p.outputShape();
            } catch (RuntimeException e) {
                specs.remove(i);
                index.remove(s.name());
                throw e;
            }
        }

        /** The output shape of layer {@code name} (or of the input), or null if no such layer was added. */
        public Shape shape(String name) {
            return shapes.get(name);
        }
    }

    /** Type, attributes and inputs of layer {@code i}; returns the names it reads. */
    private static List<String> checkSpec(int i, List<LayerSpec> specs, Map<String, Integer> index) {
        LayerSpec s = specs.get(i);
        LayerType t = LayerTypes.get(s.type());
        if (t == null) {
            throw new NetworkException(i + 1, s.name(), s.type(), "unknown_layer_type", "unknown layer type '" + s.type() + "'; known types: "
                    + String.join(", ", LayerTypes.names()), null);
        }
        for (String k : s.attrs().keySet()) {
            if (!t.attributes().contains(k)) {
                throw new NetworkException(i + 1, s.name(), s.type(), "unknown_attribute", "unknown attribute '" + k + "'; " + s.type() + " takes "
                        + (t.attributes().isEmpty() ? "none" : String.join(", ", new TreeSet<>(t.attributes()))), null);
            }
        }
        for (String k : new TreeSet<>(t.required())) {
            if (s.attrs().get(k) == null) {
                throw new NetworkException(i + 1, s.name(), s.type(), "missing_attribute", "the attribute '" + k + "' is required", null);
            }
        }
        List<String> in = s.inputs() != null ? s.inputs() : t.arity() == 0 ? List.of()
                : List.of(i == 0 ? NetworkDescription.INPUT : specs.get(i - 1).name());
        if (t.arity() == LayerType.VARIADIC ? in.isEmpty() : in.size() != t.arity()) {
            String count = t.arity() == LayerType.VARIADIC ? "one or more inputs" : t.arity() + " input" + (t.arity() == 1 ? "" : "s");
            throw new NetworkException(i + 1, s.name(), s.type(), "input_count", s.type() + " reads " + count + ", got inputs " + in, null);
        }
        for (String n : in) {
            if (!n.equals(NetworkDescription.INPUT) && !index.containsKey(n)) {
                throw new NetworkException(i + 1, s.name(), s.type(), "unknown_input", "reads '" + n + "', which is neither a layer nor 'input'", null);
            }
        }
        return in;
    }

    /** Kahn's algorithm, taking the earliest written ready layer first; layers left over lie on a cycle. */
    private static List<Integer> topologicalOrder(List<LayerSpec> specs, List<List<String>> inputs, Map<String, Integer> index) {
        int n = specs.size();
        int[] waiting = new int[n];
        List<List<Integer>> readers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            readers.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (String in : inputs.get(i)) {
                if (!in.equals(NetworkDescription.INPUT)) {
                    waiting[i]++;
                    readers.get(index.get(in)).add(i);
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        List<Integer> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(i);
            for (int r : readers.get(i)) {
                if (--waiting[r] == 0) {
                    ready.add(r);
                }
            }
        }
        if (order.size() < n) {
            Set<Integer> left = new HashSet<>();
            for (int i = 0; i < n; i++) {
                if (waiting[i] > 0) {
                    left.add(i);
                }
            }
            List<Integer> cycle = findCycle(left, inputs, index);
            int first = Collections.min(cycle);
            List<String> path = new ArrayList<>();
            int at = cycle.indexOf(first);
            for (int k = 0; k <= cycle.size(); k++) {
                path.add(specs.get(cycle.get((at + k) % cycle.size())).name());
            }
            LayerSpec s = specs.get(first);
            throw new NetworkException(first + 1, s.name(), s.type(), "cycle", "the layers read each other in a cycle: " + String.join(" <- ", path), null);
        }
        return order;
    }

    /** A cycle among {@code left} (every one of them waits on another one of them): walk inputs until a layer repeats. */
    private static List<Integer> findCycle(Set<Integer> left, List<List<String>> inputs, Map<String, Integer> index) {
        int at = Collections.min(left);
        Deque<Integer> walk = new ArrayDeque<>();
        Map<Integer, Integer> seen = new LinkedHashMap<>();
        while (!seen.containsKey(at)) {
            seen.put(at, seen.size());
            walk.add(at);
            int next = -1;
            for (String in : inputs.get(at)) {
                Integer j = index.get(in);
                if (j != null && left.contains(j)) {
                    next = j;
                    break;
                }
            }
            at = next;
        }
        List<Integer> all = new ArrayList<>(walk);
        return all.subList(seen.get(at), all.size());
    }

    private static PlannedLayer planLayer(int number, LayerSpec s, List<String> inputs, Map<String, Shape> shapes, Map<String, ReceptiveField> fields,
            WeightSource weights) {
        LayerType t = LayerTypes.get(s.type());
        List<Shape> inShapes = inputs.stream().map(shapes::get).toList();
        LayerContext c = new LayerContext(number, s, inputs, inShapes);
        try {
            List<ParamSpec> params = t.params(c);
            t.checkChannels(c);
            Map<String, Shape> paramShapes = new LinkedHashMap<>();
            long trainable = 0, buffers = 0;
            for (ParamSpec p : params) {
                paramShapes.put(p.name(), p.shape());
                if (p.trainable()) {
                    trainable += p.shape().size();
                } else {
                    buffers += p.shape().size();
                }
                if (weights instanceof WeightSource.NpyFiles f) {
                    checkWeightFile(c, f.dir(), p);
                } else if (weights instanceof WeightSource.InMemory m) {
                    Tensor have = m.layers().getOrDefault(s.name(), Map.of()).get(p.name());
                    if (have == null) {
                        throw c.error("missing_weight", "no tensor for parameter '" + p.name() + "' in memory");
                    }
                    if (!have.shape().equals(p.shape())) {
                        throw c.error("weight_shape", "the tensor for '" + p.name() + "' has shape " + have.shape() + ", expected " + p.shape()
                                + " from the layer's attributes");
                    }
                }
            }
            OpNode node = t.node(c, paramShapes);
            OpSchema schema = t.schema();
            Shape out = schema.outputShape(node);
            ReceptiveField field = schema.fieldAfter(node, inputs.stream().map(fields::get).toList(), out);
            return new PlannedLayer(number, s, inputs, inShapes, out, params, trainable, buffers, schema.macs(node, out), field, t.op, node);
        } catch (OpException e) {
            String m = e.getMessage();
            String detail = m.startsWith(e.op() + ": ") ? m.substring(e.op().length() + 2) : m;
            throw new NetworkException(number, s.name(), s.type(), e.rule(), (e.op().equals(s.type()) ? "" : e.op() + ": ") + detail, e);
        } catch (NetworkException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new NetworkException(number, s.name(), s.type(), "shape", e.getMessage(), e);
        }
    }

    /** The file of parameter {@code p} exists, holds float32 and has the shape the layer's attributes call for (header only). */
    static Path weightFile(Path dir, String layer, String param) {
        return dir.resolve(layer + "." + param + ".npy");
    }

    private static void checkWeightFile(LayerContext c, Path dir, ParamSpec p) {
        Path file = weightFile(dir, c.spec.name(), p.name());
        if (!Files.isRegularFile(file)) {
            throw c.error("missing_weight", "weight file " + file.getFileName() + " not found in " + dir);
        }
        Npy.Header h;
        try {
            h = Npy.readHeader(file);
        } catch (IOException e) {
            throw c.error("weight_file", file.getFileName() + " is not a readable NPY file: " + e.getMessage());
        }
        if (!h.descr().equals("<f4")) {
            throw c.error("weight_file", file.getFileName() + " holds '" + h.descr() + "', expected float32 ('<f4')");
        }
        if (!h.shape().equals(p.shape())) {
            throw c.error("weight_shape", file.getFileName() + " has shape " + h.shape() + ", expected " + p.shape() + " from the layer's attributes");
        }
    }

    private static String names(List<LayerSpec> specs) {
        return String.join(", ", specs.stream().map(LayerSpec::name).toList());
    }
}
