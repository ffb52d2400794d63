package io.opsgi.net;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.Add;
import io.opsgi.op.BatchNorm;
import io.opsgi.op.Conv2d;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.OpException;
import io.opsgi.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which layers of a planned network run as one: a conv2d, then, each only if the layer before it
 * has no other reader and is not one of the network's outputs, an inference batch norm (folded into the
 * conv's weights and bias), a residual add (the conv's output plus a tensor computed elsewhere) and
 * an activation the {@link Epilogue} applies. Decided from the network's structure alone, so the
 * summary shows the groups without reading a weight.
 */
final class Fusion {
    /** One step of a plan: the layers it runs, in order; {@code head} is the first. */
    record Group(List<PlannedLayer> layers, PlannedLayer batchNorm, PlannedLayer add, String residual, PlannedLayer activation,
            ActivationAttrs activationAttrs, ConvGeometry geometry) {
        PlannedLayer head() {
            return layers.get(0);
        }

        PlannedLayer last() {
            return layers.get(layers.size() - 1);
        }

        boolean fused() {
            return layers.size() > 1;
        }

        /** What the group's layers read from outside it. */
        List<String> reads() {
            List<String> r = new ArrayList<>(head().inputs());
            if (residual != null) {
                r.add(residual);
            }
            return r;
        }

        /** e.g. {@code conv1 + bn1 (folded) + relu1}. */
        String describe() {
            StringBuilder sb = new StringBuilder(head().name());
            for (PlannedLayer l : layers.subList(1, layers.size())) {
                sb.append(" + ").append(l.name()).append(l == batchNorm ? " (folded)" : l == add ? " (residual " + residual + ")" : "");
            }
            return sb.toString();
        }
    }

    private Fusion() {
    }

    /** The steps of {@code net}, in execution order; unfused: one layer each. */
    static List<Group> groups(Network net, boolean fuse) {
        Map<String, List<PlannedLayer>> readers = new HashMap<>();
        for (PlannedLayer l : net.layers()) {
            for (String in : l.inputs()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(l);
            }
        }
        List<Group> groups = new ArrayList<>();
        java.util.Set<PlannedLayer> taken = new java.util.HashSet<>();
        for (PlannedLayer l : net.layers()) {
            if (taken.contains(l)) {
                continue;
            }
            ConvGeometry g = fuse && Conv2d.OP.equals(l.op()) ? geometry(l) : null;
            if (g == null) {
                groups.add(new Group(List.of(l), null, null, null, null, null, null));
                continue;
            }
            List<PlannedLayer> members = new ArrayList<>(List.of(l));
            PlannedLayer bn = null, add = null, act = null;
            String residual = null;
            ActivationAttrs actAttrs = null;
            PlannedLayer next = soleReader(net, readers, l);
            if (next != null && BatchNorm.OP.equals(next.op()) && foldable(next)) {
                bn = next;
                members.add(bn);
                next = soleReader(net, readers, bn);
            }
            PlannedLayer tail = members.get(members.size() - 1);
            // An add of two convs' outputs goes to the first conv that reaches it (torchvision's ResNet lists the
            // downsample conv after conv2): the other conv is then the residual, never a second owner of the add.
            if (next != null && !taken.contains(next) && Add.OP.equals(next.op()) && next.inputShapes().get(0).equals(next.inputShapes().get(1))
                    && !next.inputs().get(0).equals(next.inputs().get(1))) {
                add = next;
                residual = next.inputs().get(0).equals(tail.name()) ? next.inputs().get(1) : next.inputs().get(0);
                members.add(add);
                next = soleReader(net, readers, add);
            }
            if (next != null && Activation.byOp(next.type()) != null) {
                ActivationAttrs a = activationAttrs(next);
                if (Epilogue.fusable(a)) {
                    act = next;
                    actAttrs = a;
                    members.add(act);
                }
            }
            taken.addAll(members);
            groups.add(new Group(List.copyOf(members), bn, add, residual, act, actAttrs, g));
        }
        // A group runs where its last layer stood: by then its residual is computed too (its producer's last
        // layer comes before the add), so this order is still a topological one.
        Map<PlannedLayer, Integer> position = new HashMap<>();
        for (int i = 0; i < net.layers().size(); i++) {
            position.put(net.layers().get(i), i);
        }
        groups.sort(java.util.Comparator.comparingInt(gr -> position.get(gr.last())));
        return groups;
    }

    /** The geometry the kernel sees, or null when the conv's padding mode copies its input first (those run as layers). */
    static ConvGeometry geometry(PlannedLayer conv) {
        Shape bias = conv.node().optional("bias");
        return Conv2d.geometry(conv.inputShapes().get(0), conv.node().shape("weight"), bias, Conv2d.attrs(conv.node().attrs()));
    }

    /** An activation layer's attributes, parsed once. */
    static ActivationAttrs activationAttrs(PlannedLayer l) {
        return Activations.attrs(Activation.byOp(l.type()), l.node().attrs());
    }

    /** Inference with running statistics: a per-channel affine map that folds into the weights. */
    private static boolean foldable(PlannedLayer bn) {
        try {
            return !BatchNorm.attrs(bn.node().attrs()).training() && bn.inputShapes().get(0).rank() == 4;
        } catch (OpException e) {
            return false;
        }
    }

    /** The one layer reading {@code l}'s output, if exactly one does (once) and {@code l} is none of the network's outputs (fused, it would not be written). */
    private static PlannedLayer soleReader(Network net, Map<String, List<PlannedLayer>> readers, PlannedLayer l) {
        List<PlannedLayer> r = readers.getOrDefault(l.name(), List.of());
        if (r.size() != 1 || net.isOutput(l.name())) {
            return null;
        }
        return r.get(0);
    }

    /**
     * Folds an inference batch norm into the conv before it, in double, rounded once:
     * {@code s = gamma / sqrt(var + eps)}, {@code w' = w·s[o]}, {@code b' = (b - mean)·s + beta}.
     */
    interface BatchNormFold {
        BatchNormFold EXACT = (w, bias, gamma, beta, mean, var, eps, cOut) -> {
            int per = w.length / cOut;
            float[] fw = new float[w.length], fb = new float[cOut];
            for (int o = 0; o < cOut; o++) {
                double s = (gamma == null ? 1.0 : gamma[o]) / Math.sqrt((double) var[o] + eps);
                for (int i = o * per; i < (o + 1) * per; i++) {
                    fw[i] = (float) (w[i] * s);
                }
                fb[o] = (float) (((bias == null ? 0.0 : bias[o]) - mean[o]) * s + (beta == null ? 0.0 : beta[o]));
            }
            return new float[][] {fw, fb};
        };

        /** {weight, bias} of the folded conv. */
        float[][] fold(float[] w, float[] bias, float[] gamma, float[] beta, float[] mean, float[] var, double eps, int cOut);
    }
}
