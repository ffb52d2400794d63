package io.opsgi.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opsgi.net.LayerSpec;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkDescription;
import io.opsgi.net.NetworkException;
import io.opsgi.net.WeightSource;
import io.opsgi.onnx.proto.Onnx.AttributeProto;
import io.opsgi.onnx.proto.Onnx.GraphProto;
import io.opsgi.onnx.proto.Onnx.ModelProto;
import io.opsgi.onnx.proto.Onnx.NodeProto;
import io.opsgi.onnx.proto.Onnx.OperatorSetIdProto;
import io.opsgi.onnx.proto.Onnx.TensorProto;
import io.opsgi.onnx.proto.Onnx.TensorShapeProto;
import io.opsgi.onnx.proto.Onnx.TypeProto;
import io.opsgi.onnx.proto.Onnx.ValueInfoProto;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One import: walks the graph's nodes in their (topological) order, folding what is known at import
 * time into {@link Const}s and lowering the rest onto layers ({@link Lowering}), planning each layer
 * as it is written so the next node knows its input's shape. Problems are collected, one line each,
 * and thrown together at the end.
 */
final class Importer {
    static final int MIN_OPSET = 9, MAX_OPSET = 18;

    /** A value computed at run time: the layer that produces it and its shape. */
    record Data(String layer, Shape shape) {
    }

    /** A refusal of the current node: its message becomes one problem line. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    final Path file;
    final int opset;
    private final GraphProto graph;
    private final List<String> problems = new ArrayList<>();
    /** ONNX value name -> {@link Data} or {@link Const}. */
    private final Map<String, Object> values = new HashMap<>();
    /** Values a refused node would have produced: their readers are skipped, not refused again. */
    private final Set<String> broken = new HashSet<>();
    /** Values some node or the graph output reads (an optional output nobody reads may be refused quietly). */
    private final Set<String> used = new HashSet<>();
    private final List<LayerSpec> layers = new ArrayList<>();
    private final Map<String, Map<String, Tensor>> weights = new LinkedHashMap<>();
    private final Set<String> layerNames = new HashSet<>();
    /** Constants already written as constant layers, by value name. */
    private final Map<String, Data> materialized = new HashMap<>();
    private Network.Planner planner;
    /** The node being lowered and its position. */
    NodeProto node;
    private int nodeIndex;

    private Importer(Path file, ModelProto model, int opset) {
        this.file = file;
        this.graph = model.getGraph();
        this.opset = opset;
    }

    static OnnxModel importModel(Path file, Shape inputShape) throws IOException {
        String name = String.valueOf(file.getFileName());
        long size = Files.size(file);
        if (size >= Integer.MAX_VALUE) {
            throw new OnnxException(name, List.of("the file is " + size + " bytes; an ONNX file holds at most 2 GB (larger models keep their weights in "
                    + "external data files, which opsgi does not read)"));
        }
        // the file's bytes, the parsed model aliasing them, and the weights as float arrays: about twice the file
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (2 * size > free) {
            throw new OnnxException(name, List.of(String.format(java.util.Locale.ROOT, "importing a file of %.0f MB needs about %.0f MB of heap, %.0f MB are "
                    + "free; give the JVM more (e.g. OPSGI_JAVA_OPTS=-Xmx%dg)", size / 1e6, 2 * size / 1e6, free / 1e6, Math.max(2, (4 * size >> 30) + 1))));
        }
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(Files.readAllBytes(file));
            in.enableAliasing(true); // raw_data views the file's bytes instead of copying them
            in.setSizeLimit(Integer.MAX_VALUE);
            model = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxException(name, List.of("not an ONNX model, or a truncated one: the protobuf cannot be read (" + firstLine(e.getMessage()) + ")"));
        }
        if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getOpsetImportCount() == 0 || model.getGraph().getNodeCount() == 0) {
            throw new OnnxException(name, List.of("not an ONNX model: " + (model.getIrVersion() <= 0 ? "no ir_version"
                    : model.getOpsetImportCount() == 0 ? "no opset_import" : !model.hasGraph() ? "no graph" : "the graph has no nodes")
                    + " (a truncated file or another protobuf)"));
        }
        int opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = (int) Math.min(Integer.MAX_VALUE, o.getVersion());
            }
        }
        if (opset < 0) {
            throw new OnnxException(name, List.of("no opset of the default ONNX domain is imported"));
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new OnnxException(name, List.of("opset " + opset + " is not supported; opsgi imports opsets " + MIN_OPSET + " to " + MAX_OPSET
                    + " (torch.onnx.export(..., opset_version=14))"));
        }
        Importer imp = new Importer(file, model, opset);
        NetworkDescription d = imp.translate(inputShape, name);
        return new OnnxModel(file, d, opset, (model.getProducerName() + " " + model.getProducerVersion()).trim(),
                model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
    }

    private NetworkDescription translate(Shape requested, String fileName) {
        Set<String> initializerNames = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            initializerNames.add(t.getName());
            try {
                values.put(t.getName(), Const.read(t));
            } catch (IllegalArgumentException e) {
                problems.add("initializer '" + t.getName() + "': " + e.getMessage());
                broken.add(t.getName());
            }
        }
        if (!graph.getSparseInitializerList().isEmpty()) {
            problems.add("sparse initializers are not supported");
        }
        List<ValueInfoProto> inputs = graph.getInputList().stream().filter(v -> !initializerNames.contains(v.getName())).toList();
        if (inputs.size() != 1) {
            problems.add("the graph has " + inputs.size() + " inputs " + inputs.stream().map(ValueInfoProto::getName).toList()
                    + "; an opsgi network takes exactly one");
            throw new OnnxException(fileName, problems);
        }
        ValueInfoProto input = inputs.get(0);
        Shape inputShape = inputShape(input, requested);
        if (inputShape == null) {
            throw new OnnxException(fileName, problems);
        }
        planner = new Network.Planner(inputShape);
        values.put(input.getName(), new Data(NetworkDescription.INPUT, inputShape));
        for (NodeProto n : graph.getNodeList()) {
            used.addAll(n.getInputList());
        }
        List<String> outputNames = graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
        used.addAll(outputNames);
        for (int i = 0; i < graph.getNodeCount(); i++) {
            lower(i, graph.getNode(i));
        }
        List<String> outputs = outputs(outputNames);
        if (!problems.isEmpty()) {
            throw new OnnxException(fileName, problems);
        }
        outputs = namedAsTheGraph(outputs, outputNames);
        String name = graph.getName().isEmpty() ? fileName : graph.getName();
        NetworkDescription d = new NetworkDescription(name, inputShape, new WeightSource.InMemory(weights), layers, outputs);
        try {
            Network.plan(d); // every layer was planned as it was written: this checks the weights in memory
        } catch (NetworkException e) {
            throw new OnnxException(fileName, List.of("the translated network does not plan (an importer bug, please report): " + e.getMessage()));
        }
        return d;
    }

    /**
     * The network's outputs for the graph's, in its order: the layer computing each. The input itself is an output
     * of the network (returned as a copy); a float32 constant is written as a constant layer (a graph may return
     * a fixed tensor beside computed ones, as exporters do for anchors); two graph outputs naming one value, or a
     * value two names alias (Identity), get an identity copy so each output has its own layer.
     */
    private List<String> outputs(List<String> outputNames) {
        List<String> outputs = new ArrayList<>();
        for (String o : outputNames) {
            Object v = values.get(o);
            if (broken.contains(o)) {
                continue;
            }
            if (v == null) {
                problems.add("the graph's output '" + o + "' is produced by no node");
            } else if (v instanceof Const c) {
                if (c.dtype() != Const.FLOAT) {
                    problems.add("the graph's output '" + o + "' is a constant of " + Const.typeName(c.dtype()) + "; opsgi computes float32 only");
                } else {
                    outputs.add(constantLayer(o, c).layer());
                }
            } else {
                String layer = ((Data) v).layer();
                outputs.add(outputs.contains(layer) ? copy(o, (Data) v).layer() : layer);
            }
        }
        return outputs;
    }

    /**
     * Each output's layer renamed after the graph output it computes, as ONNX Runtime names its results ('logits', not the
     * node '/fc/Gemm'), so that summaries, {@code ./opsgi run} and the plan say it; kept as it is where another layer (or
     * the input) already has that name.
     */
    private List<String> namedAsTheGraph(List<String> outputs, List<String> outputNames) {
        Map<String, String> rename = new HashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            String layer = outputs.get(i), name = outputNames.get(i);
            if (layerNames.contains(layer) && !name.isEmpty() && !name.equals(NetworkDescription.INPUT) && !layerNames.contains(name)
                    && !rename.containsValue(name)) {
                rename.put(layer, name);
            }
        }
        layers.replaceAll(l -> new LayerSpec(rename.getOrDefault(l.name(), l.name()), l.type(),
                l.inputs() == null ? null : l.inputs().stream().map(in -> rename.getOrDefault(in, in)).toList(), l.attrs()));
        rename.forEach((layer, name) -> {
            Map<String, Tensor> params = weights.remove(layer);
            if (params != null) {
                weights.put(name, params);
            }
        });
        return outputs.stream().map(o -> rename.getOrDefault(o, o)).toList();
    }

    /** The input's shape: declared sizes, symbolic ones from {@code requested} (or 1); float32 only. */
    private Shape inputShape(ValueInfoProto input, Shape requested) {
        TypeProto t = input.getType();
        if (!t.hasTensorType()) {
            problems.add("the input '" + input.getName() + "' is not a tensor");
            return null;
        }
        if (t.getTensorType().getElemType() != Const.FLOAT) {
            problems.add("the input '" + input.getName() + "' holds " + Const.typeName(t.getTensorType().getElemType()) + "; opsgi computes in float32 only");
            return null;
        }
        if (!t.getTensorType().hasShape()) {
            if (requested == null) {
                problems.add("the input '" + input.getName() + "' declares no shape; give one (--input x.npy, or OnnxModel.read(file, shape))");
                return null;
            }
            return requested;
        }
        List<TensorShapeProto.Dimension> dims = t.getTensorType().getShape().getDimList();
        if (requested != null && requested.rank() != dims.size()) {
            problems.add("the input '" + input.getName() + "' has " + dims.size() + " dimensions " + describe(dims) + ", the given input shape " + requested);
            return null;
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            if (d.hasDimValue()) {
                if (requested != null && requested.dim(i) != d.getDimValue()) {
                    problems.add("the input '" + input.getName() + "' has shape " + describe(dims) + ", the given input shape " + requested
                            + " differs in dimension " + i);
                    return null;
                }
                if (d.getDimValue() < 0 || d.getDimValue() > Integer.MAX_VALUE) {
                    problems.add("the input '" + input.getName() + "' has shape " + describe(dims) + "; dimension " + i + " is out of range");
                    return null;
                }
                shape[i] = (int) d.getDimValue();
            } else {
                shape[i] = requested != null ? requested.dim(i) : 1;
            }
        }
        try {
            return Shape.of(shape);
        } catch (IllegalArgumentException e) {
            problems.add("the input '" + input.getName() + "': " + e.getMessage());
            return null;
        }
    }

    private static String describe(List<TensorShapeProto.Dimension> dims) {
        return dims.stream().map(d -> d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam().isEmpty() ? "?" : d.getDimParam()).toList().toString();
    }

    // ------------------------------------------------------------------ one node

    private void lower(int index, NodeProto n) {
        node = n;
        nodeIndex = index;
        int before = problems.size();
        Lowering.Op op = Lowering.OPS.get(n.getOpType());
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            problem("the domain '" + n.getDomain() + "' is not supported (only the default ONNX domain)");
        } else if (op == null) {
            problem("the op " + n.getOpType() + " is not supported");
        } else {
            for (AttributeProto a : n.getAttributeList()) {
                if (!op.attributes().contains(a.getName())) {
                    problem("the attribute '" + a.getName() + "' is not supported");
                }
            }
        }
        boolean inputsBroken = false;
        for (String in : n.getInputList()) {
            if (!in.isEmpty() && broken.contains(in)) {
                inputsBroken = true;
            } else if (!in.isEmpty() && !values.containsKey(in)) {
                problem("reads '" + in + "', which no earlier node, initializer or input produces (the graph is not in topological order, or truncated)");
            }
        }
        if (problems.size() == before && !inputsBroken) {
            try {
                op.lowering().lower(this);
            } catch (Refusal | NetworkException e) {
                problem(e.getMessage());
            } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
                problem(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        if (problems.size() > before || inputsBroken) {
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && !values.containsKey(out)) {
                    broken.add(out);
                }
            }
        }
    }

    void problem(String what) {
        problems.add("node '" + nodeName() + "' (" + node.getOpType() + ", opset " + opset + "): " + what);
    }

    /** The current node's name, or {@code <OpType>_<index>} for a node without one: the name of the layers it becomes. */
    String nodeName() {
        return node.getName().isEmpty() ? node.getOpType() + "_" + nodeIndex : node.getName();
    }

    /**
     * Lowers {@code as} in place of the current node (a rewritten form of it, e.g. a 1-D op viewed as 2-D): the
     * values of {@code bound} are added first (the inputs {@code as} reads under new names), and a refusal is
     * reported as the current node's.
     */
    void lowerAs(NodeProto as, Map<String, Object> bound, Lowering.Lower lowering) {
        NodeProto original = node;
        values.putAll(bound);
        node = as;
        try {
            lowering.lower(this);
        } finally {
            node = original;
        }
    }

    /** The value named {@code name} ({@link Data} or {@link Const}), or null. */
    Object value(String name) {
        return values.get(name);
    }

    static Refusal refuse(String what) {
        return new Refusal(what);
    }

    // ------------------------------------------------------------------ the current node's inputs, outputs, attributes

    /** Input {@code i}: a {@link Data} or {@link Const}, or null when absent (optional, or an empty name). */
    Object in(int i) {
        if (i >= node.getInputCount() || node.getInput(i).isEmpty()) {
            return null;
        }
        return values.get(node.getInput(i));
    }

    boolean has(int i) {
        return in(i) != null;
    }

    /** Input {@code i} as a run-time value: a constant is written as a constant layer (float32 only). */
    Data data(int i) {
        Object v = in(i);
        if (v == null) {
            throw refuse("the input " + i + " is required");
        }
        if (v instanceof Data d) {
            return d;
        }
        String name = node.getInput(i);
        Const c = (Const) v;
        requireFloat(c, "the constant '" + name + "'");
        return constantLayer(name, c);
    }

    /** The constant layer of float32 constant {@code name}, written the first time it is asked for. */
    private Data constantLayer(String name, Const c) {
        Data d = materialized.get(name);
        if (d == null) {
            d = emitNamed(unique(name), "constant", List.of(), Map.of("shape", longsToList(c.dims())), Map.of("value", c.tensor()));
            materialized.put(name, d);
        }
        return d;
    }

    /** A layer of its own for graph output {@code name} whose value another output already gives: the identity at inference. */
    private Data copy(String name, Data of) {
        return emitNamed(unique(name), "dropout", List.of(of.layer()), Map.of(), Map.of());
    }

    /** Input {@code i}, which must be known at import time. */
    Const konst(int i, String what) {
        Object v = in(i);
        if (v == null) {
            throw refuse("the input " + what + " is required");
        }
        if (!(v instanceof Const c)) {
            throw refuse("the input " + what + " ('" + node.getInput(i) + "') is computed from the data; opsgi needs it constant (an initializer, or computed from shapes)");
        }
        return c;
    }

    /** Input {@code i} if constant, else null. */
    Const constOrNull(int i) {
        return in(i) instanceof Const c ? c : null;
    }

    static void requireFloat(Const c, String what) {
        if (c.dtype() != Const.FLOAT) {
            throw refuse(what + " holds " + Const.typeName(c.dtype()) + "; opsgi computes in float32 only");
        }
    }

    void set(int output, Object value) {
        if (output < node.getOutputCount() && !node.getOutput(output).isEmpty()) {
            values.put(node.getOutput(output), value);
        }
    }

    /** Refuses a used output {@code i} (BatchNormalization's running statistics, MaxPool's Indices, Dropout's mask), saying {@code why}. */
    void refuseUsedOutput(int i, String what, String why) {
        if (i < node.getOutputCount() && !node.getOutput(i).isEmpty() && used.contains(node.getOutput(i))) {
            throw refuse("the output " + what + " ('" + node.getOutput(i) + "') is read by the graph; " + why);
        }
    }

    AttributeProto attr(String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    long attrInt(String name, long dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getI();
    }

    float attrFloat(String name, float dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getF();
    }

    String attrString(String name, String dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    /** An ints attribute, or null if absent. */
    long[] attrInts(String name) {
        AttributeProto a = attr(name);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    float[] attrFloats(String name) {
        AttributeProto a = attr(name);
        if (a == null) {
            return null;
        }
        float[] f = new float[a.getFloatsCount()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.getFloats(i);
        }
        return f;
    }

    // ------------------------------------------------------------------ writing layers

    /** Writes a layer for the current node (its name, plus {@code suffix} for helper layers) and plans it. */
    Data emit(String suffix, String type, List<String> inputs, Map<String, Object> attrs, Map<String, Tensor> params) {
        return emitNamed(unique(nodeName() + suffix), type, inputs, attrs, params);
    }

    Data emit(String type, Data input, Map<String, Object> attrs) {
        return emit("", type, List.of(input.layer()), attrs, Map.of());
    }

    private Data emitNamed(String name, String type, List<String> inputs, Map<String, Object> attrs, Map<String, Tensor> params) {
        LayerSpec s = new LayerSpec(name, type, inputs, attrs);
        Shape out = planner.add(s);
        layers.add(s);
        layerNames.add(name);
        if (!params.isEmpty()) {
            weights.put(name, params);
        }
        return new Data(name, out);
    }

    private String unique(String base) {
        String name = base;
        for (int k = 2; name.equals(NetworkDescription.INPUT) || layerNames.contains(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    static List<Object> longsToList(long... v) {
        List<Object> l = new ArrayList<>();
        for (long x : v) {
            l.add(Math.toIntExact(x));
        }
        return l;
    }

    static List<Object> intsToList(int... v) {
        List<Object> l = new ArrayList<>();
        for (int x : v) {
            l.add(x);
        }
        return l;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String str(long[] v) {
        return Arrays.toString(v);
    }
}
