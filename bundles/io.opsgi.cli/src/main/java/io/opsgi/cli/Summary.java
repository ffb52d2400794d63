package io.opsgi.cli;

import io.opsgi.net.ExecutionPlan;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkDescription;
import io.opsgi.net.NetworkException;
import io.opsgi.net.WeightSource;
import io.opsgi.onnx.OnnxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./opsgi summary MODEL}: every layer's output shape, parameters, multiply-adds and receptive
 * field, from the operator contracts alone: no kernel runs and no weight is read (weight files are
 * checked by their headers). A description that cannot work exits 1 naming the layer and the rule.
 */
@Command(name = "summary", mixinStandardHelpOptions = true, description = "Print a torchinfo-style summary of a network description or ONNX model (shapes, params, mult-adds, receptive field) "
        + "without running any kernel.")
final class Summary implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "network description (JSON; format: examples/README.md) or ONNX model (.onnx; symbolic dimensions count as 1)")
    Path model;

    @Option(names = "--seed", paramLabel = "N", description = "use seeded weights instead of the description's weight files")
    Long seed;

    @Option(names = "--no-fuse", description = "show the layer-by-layer plan instead of the fused one (batch norm folded, activations and residual adds in the conv's epilogue)")
    boolean noFuse;

    @Option(names = "--no-keep-layout", description = "show the fused plan with NCHW between all steps (no channel-blocked layout kept between conv steps)")
    boolean noKeepLayout;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(model)) {
            System.err.println("summary: no such file " + model);
            return 2;
        }
        try {
            NetworkDescription d = Models.read(model, null);
            if (seed != null) {
                d = d.withWeights(new WeightSource.Seeded(seed));
            }
            Network net = Network.plan(d);
            System.out.print(io.opsgi.net.NetworkSummary.table(net));
            System.out.println();
            System.out.print(ExecutionPlan.describe(net, noFuse ? ExecutionPlan.Options.UNFUSED : noKeepLayout ? ExecutionPlan.Options.FUSED_NCHW : ExecutionPlan.Options.FUSED));
            return 0;
        } catch (NetworkException | OnnxException e) {
            System.err.println("summary: " + e.getMessage());
            return 1;
        }
    }
}
