package io.opsgi.kernel.support;

import jdk.incubator.vector.FloatVector;

/**
 * How many vector registers a register-blocked micro-kernel may fill: 32 with AVX-512 (whose preferred species is
 * 512 bits), 16 with AVX2 and anything narrower (the worst case). A kernel that keeps more accumulators, weights and
 * broadcasts live than this makes C2 spill accumulators to the stack inside its innermost loop (the GEMM's 12-row
 * tile and the conv strips of 7 pixels x 2 blocks ran at about half speed on an AVX2 machine), so each kernel picks
 * its tile from this one fact. A static final constant: C2 folds the choice away.
 */
public final class VectorRegisters {
    /** Vector registers of this machine, as far as the preferred species tells. */
    public static final int COUNT = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? 32 : 16;

    private VectorRegisters() {
    }

    /**
     * Pixels per strip of a kernel holding two blocks of output channels per pixel (2·p accumulators, two weight vectors
     * and a broadcast), for rows of {@code ow} pixels on a machine with {@code registers} vector registers: 7 with 32
     * (7 divides every ResNet and MobileNet width). With 16, 7 x 2 spills; of 6, 5 and 4 (15, 13 and 11 registers) the
     * width that computes a row soonest: a row costs its computed pixels, ceil(ow / p)·p (the last strip's extra pixels
     * are computed and dropped), divided by the width's speed per pixel, 1, 0.93 and 0.85 of 6 pixels' (fewer
     * independent accumulators hide less of the FMA latency). So 6 on most widths, 5 on 13-15 and 55, 4 on 7 and below.
     * Measured on the AVX2 EPYC: docs/PERFORMANCE-LOG.md (2026-12-07, 2026-12-08). The blocked 3x3 and 1x1 convs read it.
     */
    public static int stripPixels(int ow, int registers) {
        if (registers >= 32) {
            return 7;
        }
        int best = 6;
        for (int p = 5; p >= 4; p--) {
            // p computes the row sooner when pixels / speed is smaller: cross-multiplied, in integers
            if (roundUp(ow, p) * PERCENT_SPEED[best] < roundUp(ow, best) * PERCENT_SPEED[p]) {
                best = p;
            }
        }
        return best;
    }

    /** Speed per computed pixel of strips of 4, 5 and 6 pixels on 16 registers, in percent of 6 pixels' (index: pixels). */
    private static final int[] PERCENT_SPEED = {0, 0, 0, 0, 85, 93, 100};

    private static long roundUp(int ow, int p) {
        return ((long) ow + p - 1) / p * p;
    }
}
