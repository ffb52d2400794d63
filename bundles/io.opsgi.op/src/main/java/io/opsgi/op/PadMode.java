package io.opsgi.op;

/**
 * How a pad fills positions outside the input: F.pad's modes. {@link #source} is the whole rule,
 * shared by the pad contract and conv2d's padding modes.
 */
public enum PadMode {
    CONSTANT("constant"),
    REFLECT("reflect"),
    REPLICATE("replicate"),
    CIRCULAR("circular");

    private final String torchName;

    PadMode(String torchName) {
        this.torchName = torchName;
    }

    public String torchName() {
        return torchName;
    }

    /**
     * The input index an output position reads, given its position {@code j} relative to the
     * input's first element and the input size; -1 means "the fill value" (constant mode only).
     * Valid for the pads each mode allows (reflect: pad < size; circular: pad <= size).
     */
    public int source(int j, int size) {
        if (j >= 0 && j < size) {
            return j;
        }
        switch (this) {
            case REFLECT: // mirror without repeating the edge: [1,2,3,4] -> 2,1,|1..4|,3,2
                return j < 0 ? -j : 2 * (size - 1) - j;
            case REPLICATE:
                return j < 0 ? 0 : size - 1;
            case CIRCULAR:
                return Math.floorMod(j, size);
            default:
                return -1;
        }
    }

    public static PadMode fromTorch(String op, String rule, String name) {
        for (PadMode m : values()) {
            if (m.torchName.equals(name)) {
                return m;
            }
        }
        throw new OpException(op, rule, "unrecognised padding mode " + name);
    }

    @Override
    public String toString() {
        return torchName;
    }
}
