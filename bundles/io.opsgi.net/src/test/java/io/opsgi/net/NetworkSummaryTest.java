package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Shape;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The summary of the person detector, against values worked out by hand: output shapes, parameters
 * (conv k·k·C_in·C_out, no conv bias; batch norm 2C; linear 256·2 + 2), multiply-adds
 * (N·C_out·OH·OW·C_in·k·k per conv, one per element per batch norm, in·out per linear) and the
 * receptive field, RF_n = RF_{n-1} + (k_n - 1)·jump_{n-1}, jump_n = jump_{n-1}·s_n.
 */
class NetworkSummaryTest {

    private static Network personDetector() throws IOException {
        return Network.plan(NetworkDescription.read(Examples.root().resolve("person_detector/model.json")));
    }

    private static void layer(Network net, String name, Shape shape, long params, long macs, String rf, String jump) {
        PlannedLayer l = net.layer(name);
        assertEquals(shape, l.outputShape(), name + " shape");
        assertEquals(params, l.parameters(), name + " params");
        assertEquals(macs, l.macs(), name + " mult-adds");
        assertEquals(rf, l.field().describeRf(), name + " RF");
        assertEquals(jump, l.field().describeJump(), name + " jump");
    }

    @Test
    void personDetectorLayerByLayer() throws IOException {
        Network net = personDetector();
        layer(net, "conv1", Shape.of(1, 64, 224, 224), 3 * 64 * 9, 64L * 224 * 224 * 3 * 9, "3", "1");
        layer(net, "bn1", Shape.of(1, 64, 224, 224), 128, 64L * 224 * 224, "3", "1");
        layer(net, "relu1", Shape.of(1, 64, 224, 224), 0, 0, "3", "1");
        layer(net, "conv2", Shape.of(1, 64, 224, 224), 64 * 64 * 9, 64L * 224 * 224 * 64 * 9, "5", "1");
        layer(net, "pool1", Shape.of(1, 64, 112, 112), 0, 0, "6", "2");
        layer(net, "conv3", Shape.of(1, 128, 112, 112), 64 * 128 * 9, 128L * 112 * 112 * 64 * 9, "10", "2");
        layer(net, "conv4", Shape.of(1, 128, 112, 112), 128 * 128 * 9, 128L * 112 * 112 * 128 * 9, "14", "2");
        layer(net, "pool2", Shape.of(1, 128, 56, 56), 0, 0, "16", "4");
        layer(net, "conv5", Shape.of(1, 256, 28, 28), 128 * 256 * 9, 256L * 28 * 28 * 128 * 9, "24", "8");
        layer(net, "conv6", Shape.of(1, 256, 28, 28), 256 * 256 * 9, 256L * 28 * 28 * 256 * 9, "40", "8");
        // global average pooling: a 28x28 window, 40 + 27·8 = 256
        layer(net, "gap", Shape.of(1, 256, 1, 1), 0, 0, "256", "224");
        layer(net, "flatten", Shape.of(1, 256), 0, 0, "256", "-");
        layer(net, "fc", Shape.of(1, 2), 256 * 2 + 2, 256 * 2, "256", "-");
        assertEquals(1_146_818, net.parameters());
        assertEquals(2 * (64 + 64 + 128 + 128 + 256 + 256), net.buffers());
        assertEquals(5_414_593_024L, net.macs());
        assertEquals(List.of("conv1", "bn1", "relu1"), net.layers().subList(0, 3).stream().map(PlannedLayer::name).toList());
    }

    @Test
    void tableHasEveryLayerAndTheTotals() throws IOException {
        String t = NetworkSummary.table(personDetector());
        System.out.println(t);
        assertTrue(t.startsWith("person_detector: input [1, 3, 224, 224], output 'fc' [1, 2], weights from "), t);
        assertTrue(t.contains("total params: 1,146,818 (trainable, as PyTorch counts them); buffers: 1,792"), t);
        assertTrue(t.contains("total mult-adds: 5,414,593,024 (5.41G)"), t);
        assertTrue(t.contains("receptive field of the output: 256, jump -"), t);
        assertEquals(3 + 23 + 4, t.lines().count(), "a title, the header and its rule, 23 layers, then 4 lines of totals");
        assertTrue(t.lines().anyMatch(l -> l.matches("\\s*4\\s+conv2\\s+conv2d\\s+relu1\\s+\\[1, 64, 224, 224\\]\\s+36,864\\s+1\\.85G\\s+5\\s+1")), t);
    }

    @Test
    void dilationTransposedConvolutionAndUpsamplingMoveTheField() {
        Network net = Network.plan(NetworkBuilder.network("field", 1, 1, 32, 32).seeded(0)
                .conv2d("dilated", 1, 1, 3, "dilation", 2)                          // effective 5: RF 5
                .conv2d("strided", 1, 1, 3, "stride", 2)                            // 5 + 2 = 7, jump 2
                .layer("up", "conv_transpose2d", "in_channels", 1, "out_channels", 1, "kernel_size", 4, "stride", 2, "padding", 1) // 2 taps: 7 + 2 = 9, jump 1
                .layer("bilinear", "upsample", "scale_factor", 2, "mode", "bilinear") // 2 taps: 9 + 1 = 10, jump 0.5
                .conv2d("rect", 1, 1, 1, "kernel_size", List.of(3, 1))              // (3, 1): 11 x 10
                .build());
        assertEquals("5", net.layer("dilated").field().describeRf());
        assertEquals("7", net.layer("strided").field().describeRf());
        assertEquals("2", net.layer("strided").field().describeJump());
        assertEquals("9", net.layer("up").field().describeRf());
        assertEquals("1", net.layer("up").field().describeJump());
        assertEquals("10", net.layer("bilinear").field().describeRf());
        assertEquals("0.500", net.layer("bilinear").field().describeJump());
        assertEquals("11x10", net.layer("rect").field().describeRf());
        assertFalse(NetworkSummary.table(net).isEmpty());
    }
}
