package io.opsgi.properties;

import java.util.Arrays;
import java.util.List;

/**
 * PyTorch 1.13's own pad algorithms, step by step on indices, as the properties' independent model:
 * which input element each output element ends up holding. Derived from ATen 1.13
 * (aten/src/ATen/native/PadNd.cpp) and checked against torch 1.13 on thousands of random cases.
 */
final class TorchPad {
    /** An output element {@code _pad_circular} never wrote: its value is whatever memory held. */
    static final int UNWRITTEN = -1;

    private TorchPad() {
    }

    /**
     * {@code _pad_circular}: {@code new_empty}, copy the cropped input into the middle, then per dimension
     * (W, then H) copy the left pad from the end of the middle and the right pad from its start. Each copy
     * reads the tensor as it was before the copy. Input and output are (outer, h, w) planes; a 1-D pad
     * has h = 1 and pads (left, right). Sizes must be >= 0 after cropping (callers check).
     */
    static int[] circularSources(int outer, int h, int w, List<Integer> pads) {
        int pl = pads.get(0), pr = pads.get(1);
        int pt = pads.size() == 4 ? pads.get(2) : 0, pb = pads.size() == 4 ? pads.get(3) : 0;
        int oh = h + pt + pb, ow = w + pl + pr;
        int[] out = new int[outer * oh * ow];
        Arrays.fill(out, UNWRITTEN);
        for (int o = 0; o < outer; o++) {
            for (int i = Math.max(pt, 0); i < oh - Math.max(pb, 0); i++) {
                for (int j = Math.max(pl, 0); j < ow - Math.max(pr, 0); j++) {
                    int si = i - Math.max(pt, 0) + Math.max(-pt, 0), sj = j - Math.max(pl, 0) + Math.max(-pl, 0);
                    out[(o * oh + i) * ow + j] = (o * h + si) * w + sj;
                }
            }
        }
        // W: out[..., 0:pl] = out[..., ow-pl-max(pr,0) : ow-max(pr,0)]; out[..., ow-pr:ow] = out[..., max(pl,0) : max(pl,0)+pr]
        if (pl > 0) {
            copyColumns(out, outer * oh, ow, ow - pl - Math.max(pr, 0), 0, pl);
        }
        if (pr > 0) {
            copyColumns(out, outer * oh, ow, Math.max(pl, 0), ow - pr, pr);
        }
        if (pt > 0) {
            copyRows(out, outer, oh, ow, oh - pt - Math.max(pb, 0), 0, pt);
        }
        if (pb > 0) {
            copyRows(out, outer, oh, ow, Math.max(pt, 0), oh - pb, pb);
        }
        return out;
    }

    private static void copyColumns(int[] a, int rows, int width, int from, int to, int count) {
        int[] before = a.clone();
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < count; k++) {
                a[r * width + to + k] = before[r * width + from + k];
            }
        }
    }

    private static void copyRows(int[] a, int outer, int height, int width, int from, int to, int count) {
        int[] before = a.clone();
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < count; k++) {
                System.arraycopy(before, (o * height + from + k) * width, a, (o * height + to + k) * width, width);
            }
        }
    }

    /**
     * {@code constant_pad_nd}'s narrows, dimension by dimension (H before W): a left crop of c needs
     * {@code c <= size} ({@code narrow(start=c)}), a right crop needs what is left to hold it. Returns
     * whether every narrow succeeds; pairs as in F.pad, last dimension first.
     */
    static boolean constantNarrowsSucceed(List<Integer> shape, List<Integer> pads) {
        for (int i = pads.size() / 2 - 1; i >= 0; i--) {
            int size = shape.get(shape.size() - 1 - i), pl = pads.get(2 * i), pr = pads.get(2 * i + 1);
            if (pl < 0) {
                if (-pl > size) {
                    return false;
                }
                size += pl;
            }
            if (pr < 0 && size + pr < 0) {
                return false;
            }
        }
        return true;
    }
}
