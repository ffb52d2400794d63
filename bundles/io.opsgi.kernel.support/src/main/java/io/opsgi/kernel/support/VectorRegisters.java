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
}
