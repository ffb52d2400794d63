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
     * (7 divides every ResNet and MobileNet width). With 16, 7 x 2 spills: 6 (15 registers), unless 6-pixel strips
     * compute over 30% more pixels per row than 4-pixel ones (11 registers) would, then 4 (7-wide rows: 12 pixels
     * against 8). Measured on the AVX2 EPYC: docs/PERFORMANCE-LOG.md (2026-12-07). The blocked 3x3 and 1x1 convs read it.
     */
    public static int stripPixels(int ow, int registers) {
        if (registers >= 32) {
            return 7;
        }
        return roundUp(ow, 6) * 10 <= roundUp(ow, 4) * 13 ? 6 : 4;
    }

    private static long roundUp(int ow, int p) {
        return ((long) ow + p - 1) / p * p;
    }
}
