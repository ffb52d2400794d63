package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A description that cannot work fails when it is planned, before any kernel runs, with the layer
 * (position, name, type) and the broken rule in the message.
 */
class BadDescriptionsTest {
    /** A kernel source that fails the test: planning must refuse first. */
    private static final NetworkRunner.KernelSource NO_KERNEL = new NetworkRunner.KernelSource() {
        @Override
        public <K extends io.opsgi.op.Kernel> io.opsgi.runtime.KernelLease<K> lease(String op, Class<K> type) {
            return fail("a kernel was asked for " + op + ": the description must be refused before any kernel runs");
        }
    };

    @TempDir
    Path tmp;

    /** Plans and (if planning passed) runs on seeded weights with no kernel at all; returns the refusal. */
    private static NetworkException refused(NetworkDescription d, String rule, String... fragments) {
        NetworkException e = assertThrows(NetworkException.class, () -> {
            Network net = Network.plan(d);
            new NetworkRunner(NO_KERNEL).run(net, Weights.load(net), Tensor.zeros(d.inputShape().toArray()));
        });
        assertEquals(rule, e.rule(), e::getMessage);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "'" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }

    private static NetworkBuilder small() {
        return NetworkBuilder.network("small", 1, 3, 4, 4).seeded(1);
    }

    @Test
    void aPoolWhoseOutputWouldBeEmptyIsNamed() {
        NetworkDescription d = small().conv2d("conv1", 3, 8, 3, "padding", 1).layer("relu1", "relu").layer("pool1", "max_pool2d", "kernel_size", 2)
                .conv2d("conv2", 8, 8, 3, "padding", 1).layer("relu2", "relu").layer("pool2", "max_pool2d", "kernel_size", 2)
                .layer("pool3", "max_pool2d", "kernel_size", 2).build();
        NetworkException e = refused(d, "output_size_too_small", "layer 7 'pool3' (max_pool2d): output size is too small",
                "input size (8x1x1)", "output size (8x0x0)");
        assertEquals(7, e.layer());
        assertEquals("pool3", e.layerName());
    }

    @Test
    void unknownLayerType() {
        refused(small().conv2d("conv1", 3, 8, 3).layer("c3", "conv3d", "in_channels", 8).build(), "unknown_layer_type",
                "layer 2 'c3' (conv3d): unknown layer type 'conv3d'", "conv2d, conv_transpose2d");
    }

    @Test
    void channelsThatDoNotLineUp() {
        refused(small().conv2d("conv1", 3, 8, 3).conv2d("conv2", 16, 8, 3).build(), "channels",
                "layer 2 'conv2' (conv2d): in_channels=16 but its input 'conv1' of shape [1, 8, 2, 2] has 8 channels");
        refused(small().conv2d("conv1", 3, 8, 3).batchNorm("bn1", 4).build(), "channels", "layer 2 'bn1' (batch_norm): num_features=4");
        refused(small().layer("flat", "flatten").linear("fc", 40, 2).build(), "channels", "layer 2 'fc' (linear): in_features=40",
                "[1, 48] has 48 features");
        refused(small().conv2d("conv1", 3, 8, 3, "groups", 3).build(), "groups", "layer 1 'conv1' (conv2d): in_channels and out_channels must be divisible by groups");
    }

    @Test
    void residualBranchesOfDifferentShapes() {
        refused(small().conv2d("conv1", 3, 8, 3, "padding", 1).add("res", "conv1", "input").build(), "shape_mismatch",
                "layer 2 'res' (add): the size of tensor a (8) must match the size of tensor b (3) at non-singleton dimension 1, got input of size [1, 8, 4, 4] and other of size [1, 3, 4, 4]");
    }

    @Test
    void aCycle() {
        NetworkDescription d = small().conv2d("a", 3, 3, 1).from("c").layer("b", "relu").layer("c", "relu").add("d", "c", "input").build();
        refused(d, "cycle", "layer 1 'a' (conv2d): the layers read each other in a cycle: a <- c <- b <- a");
        refused(small().layer("self", "relu").from("self").build(), "cycle", "self <- self");
    }

    @Test
    void connectionsAndNames() {
        refused(small().layer("r", "relu").from("nope").build(), "unknown_input", "layer 1 'r' (relu): reads 'nope'");
        refused(small().layer("r", "relu").layer("r", "relu").build(), "duplicate_name", "layer 2 'r' (relu): another layer (1)");
        refused(small().layer("input", "relu").build(), "duplicate_name", "the name 'input' is the network's input");
        refused(small().layer("r", "relu").add("sum", "r", "r").from("r").build(), "input_count", "layer 2 'sum' (add): add reads 2 inputs");
        refused(small().layer("r", "relu").output("fc").build(), "unknown_input", "the output 'fc' is not a layer");
        refused(NetworkBuilder.network("empty", 1, 3, 4, 4).build(), "no_layers", "has no layers");
    }

    @Test
    void attributes() {
        refused(small().conv2d("conv1", 3, 8, 3, "paddin", 1).build(), "unknown_attribute", "layer 1 'conv1' (conv2d): unknown attribute 'paddin'",
                "padding, padding_mode, pads, stride");
        refused(small().layer("conv1", "conv2d", "in_channels", 3, "out_channels", 8).build(), "missing_attribute", "'kernel_size' is required");
        refused(small().conv2d("conv1", 3, 8, 3, "stride", 0).build(), "stride_positive", "layer 1 'conv1' (conv2d): non-positive stride");
        refused(small().conv2d("conv1", 3, 8, 3, "stride", 1.5).build(), "attribute_type", "stride must be an int");
        refused(small().layer("up", "upsample", "scale_factor", 2, "align_corners", true).build(), "align_corners_mode");
        refused(small().layer("drop", "dropout", "p", 1.5).build(), "probability_range", "layer 1 'drop' (dropout)");
    }

    /** A copy of the basic-block example in a temporary folder, to break. */
    private Path example(String copy) throws IOException {
        Path src = Examples.root().resolve("resnet_basic_block"), dst = tmp.resolve(copy);
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path to = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return dst;
    }

    @Test
    void missingOrMisshapedWeightFiles() throws IOException {
        Path dir = example("missing");
        Network.plan(NetworkDescription.read(dir.resolve("model.json"))); // the intact copy plans
        Files.delete(dir.resolve("weights/conv2.weight.npy"));
        refused(NetworkDescription.read(dir.resolve("model.json")), "missing_weight", "layer 4 'conv2' (conv2d): weight file conv2.weight.npy not found");

        Path other = example("misshaped");
        Npy.write(other.resolve("weights/bn1.running_var.npy"), Tensor.zeros(32));
        refused(NetworkDescription.read(other.resolve("model.json")), "weight_shape",
                "layer 2 'bn1' (batch_norm): bn1.running_var.npy has shape [32], expected [64]");
        Files.writeString(other.resolve("weights/bn1.running_var.npy"), "not numpy");
        refused(NetworkDescription.read(other.resolve("model.json")), "weight_file", "bn1.running_var.npy is not a readable NPY file");
    }

    @Test
    void malformedJsonNamesTheLine() throws IOException {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "{\"name\": \"x\",\n \"input\": [1, 3, 4, 4],\n \"layers\": [ {\"name\": \"a\" \"type\": \"relu\"} ]}");
        refused(f, "json", "bad.json: line 3");
        Files.writeString(f, "{\"name\": \"x\", \"input\": [1, 3], \"weights\": {\"seed\": 1}, \"layer\": []}");
        refused(f, "json", "unknown key 'layer'");
        Files.writeString(f, "{\"name\": \"x\", \"input\": [1, 3], \"weights\": {\"seed\": 1}, \"layers\": [{\"name\": \"a\", \"type\": \"relu\", "
                + "\"type\": \"relu6\"}]}");
        refused(f, "json", "Duplicate field 'type'");
    }

    private static void refused(Path json, String rule, String fragment) {
        NetworkException e = assertThrows(NetworkException.class, () -> NetworkDescription.read(json));
        assertEquals(rule, e.rule(), e::getMessage);
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
