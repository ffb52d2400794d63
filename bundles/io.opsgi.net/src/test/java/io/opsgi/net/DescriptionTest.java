package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON and the Java builder describe the same networks; parameter counts match PyTorch's, including the known values. */
class DescriptionTest {

    @Test
    void builderAndJsonAgreeOnTheBasicBlock() throws IOException {
        Path dir = Examples.root().resolve("resnet_basic_block");
        NetworkDescription fromJson = NetworkDescription.read(dir.resolve("model.json"));
        NetworkDescription built = NetworkBuilder.network("resnet_basic_block", 1, 64, 14, 14).npy(dir.resolve("weights"))
                .conv2d("conv1", 64, 64, 3, "padding", 1, "bias", false).batchNorm("bn1", 64).layer("relu1", "relu")
                .conv2d("conv2", 64, 64, 3, "padding", 1, "bias", false).batchNorm("bn2", 64)
                .add("residual", "bn2", "input").layer("relu2", "relu").build();
        assertEquals(built, fromJson);
        Network a = Network.plan(built), b = Network.plan(fromJson);
        assertEquals(NetworkSummary.table(a), NetworkSummary.table(b));
    }

    @Test
    void jsonRoundTrip() throws IOException {
        Path dir = Examples.root().resolve("unet_up_bilinear");
        NetworkDescription d = NetworkDescription.read(dir.resolve("model.json"));
        assertEquals(d, NetworkJson.parse(NetworkJson.write(d, dir), dir));
        NetworkDescription seeded = d.withWeights(new WeightSource.Seeded(7));
        assertEquals(seeded, NetworkJson.parse(NetworkJson.write(seeded, dir), dir));
    }

    /** Each known value is what this project computes, what PyTorch 1.13 computed (examples/known_parameter_counts.json), and what the issue states. */
    @Test
    void knownParameterCounts() throws IOException {
        JsonNode torch = Examples.json(Examples.root().resolve("known_parameter_counts.json"));
        Map<String, NetworkDescription> nets = Map.of(
                "conv2d_3_64_k7", NetworkBuilder.network("c", 1, 3, 16, 16).conv2d("c", 3, 64, 7).build(),
                "conv2d_64_128_k3", NetworkBuilder.network("c", 1, 64, 8, 8).conv2d("c", 64, 128, 3).build(),
                "conv2d_512_512_k3", NetworkBuilder.network("c", 1, 512, 3, 3).conv2d("c", 512, 512, 3).build(),
                "depthwise_separable_256_k3_no_bias", NetworkBuilder.network("c", 1, 256, 8, 8)
                        .conv2d("dw", 256, 256, 3, "padding", 1, "groups", 256, "bias", false).conv2d("pw", 256, 256, 1, "bias", false).build(),
                "conv2d_256_256_k3", NetworkBuilder.network("c", 1, 256, 8, 8).conv2d("c", 256, 256, 3, "padding", 1).build(),
                "resnet_bottleneck_256_64_64_256_bn", NetworkBuilder.network("b", 1, 256, 8, 8)
                        .conv2d("conv1", 256, 64, 1, "bias", false).batchNorm("bn1", 64).layer("relu1", "relu")
                        .conv2d("conv2", 64, 64, 3, "padding", 1, "bias", false).batchNorm("bn2", 64).layer("relu2", "relu")
                        .conv2d("conv3", 64, 256, 1, "bias", false).batchNorm("bn3", 256).add("residual", "bn3", "input").layer("relu3", "relu").build(),
                "person_detector", NetworkDescription.read(Examples.root().resolve("person_detector/model.json")));
        Map<String, Long> issue = Map.of("conv2d_3_64_k7", 9_472L, "conv2d_64_128_k3", 73_856L, "conv2d_512_512_k3", 2_359_808L,
                "depthwise_separable_256_k3_no_bias", 67_840L, "conv2d_256_256_k3", 590_080L, "resnet_bottleneck_256_64_64_256_bn", 70_400L,
                "person_detector", 1_146_818L);
        assertEquals(issue.keySet(), Map.copyOf(nets).keySet());
        for (String k : List.copyOf(issue.keySet())) {
            long ours = Network.plan(nets.get(k)).parameters();
            assertEquals(torch.get(k).asLong(), ours, k + " against PyTorch");
            assertEquals(issue.get(k), ours, k + " against the issue");
        }
    }
}
