package io.opsgi.testing;

import io.opsgi.op.PadMode;

/**
 * Brute-force float64 conv2d and conv_transpose2d (OPERATOR-SEMANTICS §1, §2), the one reference
 * every conv kernel's tests compare with: each output element from its definition, every index
 * bounds-checked, the output size from PyTorch's formula (not from the contract under test).
 */
public final class Float64Conv {
    private Float64Conv() {
    }

    /**
     * One convolution's shapes and attributes. {@code pads} are top, left, bottom, right (conv2d;
     * conv_transpose2d uses top and left as its symmetric padding); {@code mode} is conv2d's
     * padding mode (F.pad's index maps for reflect, replicate, circular).
     */
    public record Geometry(int n, int cIn, int h, int w, int cOut, int kh, int kw, int sH, int sW, int dH, int dW, int[] pads, int groups,
            PadMode mode) {
    }

    /** conv2d: weight (cOut, cIn/groups, kh, kw); {y, Σ|x·w| + |bias|} per output element. */
    public static Float64Reference conv2d(Geometry k, float[] x, float[] w, float[] bias) {
        int[] p = k.pads();
        // torch.nn.Conv2d: H_out = floor((H + pad_top + pad_bottom - d(k-1) - 1)/s + 1)
        int oh = Math.floorDiv(k.h() + p[0] + p[2] - k.dH() * (k.kh() - 1) - 1, k.sH()) + 1;
        int ow = Math.floorDiv(k.w() + p[1] + p[3] - k.dW() * (k.kw() - 1) - 1, k.sW()) + 1;
        Float64Reference ref = zeros(k, oh, ow);
        double[] y = ref.y(), scale = ref.scale();
        int cg = k.cIn() / k.groups(), og = k.cOut() / k.groups();
        for (int n = 0; n < k.n(); n++) {
            for (int o = 0; o < k.cOut(); o++) {
                int g = o / og;
                for (int a = 0; a < oh; a++) {
                    for (int b = 0; b < ow; b++) {
                        double sum = bias == null ? 0 : bias[o];
                        double abs = bias == null ? 0 : Math.abs(bias[o]);
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < k.kh(); i++) {
                                for (int j = 0; j < k.kw(); j++) {
                                    double wv = w[((o * cg + c) * k.kh() + i) * k.kw() + j];
                                    double xv = padded(k, x, n, g * cg + c, a * k.sH() - p[0] + i * k.dH(), b * k.sW() - p[1] + j * k.dW());
                                    sum += wv * xv;
                                    abs += Math.abs(wv * xv);
                                }
                            }
                        }
                        int at = ((n * k.cOut() + o) * oh + a) * ow + b;
                        y[at] = sum;
                        scale[at] = abs;
                    }
                }
            }
        }
        return ref;
    }

    /**
     * conv_transpose2d: weight (cIn, cOut/groups, kh, kw); every (input element, tap) pair adds x·w
     * at {@code (ih·s − p + i·d, iw·s − p + j·d)} if that lies inside the output, then the bias.
     */
    public static Float64Reference convTranspose2d(Geometry k, int opH, int opW, float[] x, float[] w, float[] bias) {
        int pH = k.pads()[0], pW = k.pads()[1];
        // torch.nn.ConvTranspose2d: H_out = (H − 1)·s − 2p + d(k − 1) + output_padding + 1.
        int oh = (k.h() - 1) * k.sH() - 2 * pH + k.dH() * (k.kh() - 1) + opH + 1;
        int ow = (k.w() - 1) * k.sW() - 2 * pW + k.dW() * (k.kw() - 1) + opW + 1;
        Float64Reference ref = zeros(k, oh, ow);
        double[] y = ref.y(), scale = ref.scale();
        int cig = k.cIn() / k.groups(), og = k.cOut() / k.groups();
        for (int n = 0; n < k.n(); n++) {
            for (int ci = 0; ci < k.cIn(); ci++) {
                int g = ci / cig;
                for (int ih = 0; ih < k.h(); ih++) {
                    for (int iw = 0; iw < k.w(); iw++) {
                        double xv = x[((n * k.cIn() + ci) * k.h() + ih) * k.w() + iw];
                        for (int co = 0; co < og; co++) {
                            for (int i = 0; i < k.kh(); i++) {
                                for (int j = 0; j < k.kw(); j++) {
                                    int a = ih * k.sH() - pH + i * k.dH(), b = iw * k.sW() - pW + j * k.dW();
                                    if (a < 0 || a >= oh || b < 0 || b >= ow) {
                                        continue; // trimmed by the padding
                                    }
                                    double t = xv * w[((ci * og + co) * k.kh() + i) * k.kw() + j];
                                    int at = ((n * k.cOut() + g * og + co) * oh + a) * ow + b;
                                    y[at] += t;
                                    scale[at] += Math.abs(t);
                                }
                            }
                        }
                    }
                }
            }
        }
        if (bias != null) {
            for (int i = 0; i < y.length; i++) {
                double b = bias[i / (oh * ow) % k.cOut()];
                y[i] += b;
                scale[i] += Math.abs(b);
            }
        }
        return ref;
    }

    /** An (n, cOut, oh, ow) output and its error scale, all zero. */
    private static Float64Reference zeros(Geometry k, int oh, int ow) {
        int size = k.n() * k.cOut() * oh * ow;
        return new Float64Reference(new double[size], new double[size], oh, ow);
    }

    /** x[n, c, r, col] for a position possibly outside the input: zero, or mapped by the padding mode. */
    private static double padded(Geometry k, float[] x, int n, int c, int r, int col) {
        boolean inside = r >= 0 && r < k.h() && col >= 0 && col < k.w();
        if (!inside && (k.mode() == null || k.mode() == PadMode.CONSTANT)) {
            return 0;
        }
        int rr = inside ? r : padIndex(k.mode(), r, k.h()), cc = inside ? col : padIndex(k.mode(), col, k.w());
        return x[((n * k.cIn() + c) * k.h() + rr) * k.w() + cc];
    }

    /** F.pad's index maps (§7): reflect mirrors without repeating the edge, replicate clamps, circular wraps. */
    public static int padIndex(PadMode mode, int j, int size) {
        if (j >= 0 && j < size) {
            return j;
        }
        switch (mode) {
            case REFLECT:
                return j < 0 ? -j : 2 * (size - 1) - j;
            case REPLICATE:
                return Math.max(0, Math.min(size - 1, j));
            case CIRCULAR:
                return ((j % size) + size) % size;
            default:
                throw new IllegalArgumentException("no index map for " + mode);
        }
    }
}
