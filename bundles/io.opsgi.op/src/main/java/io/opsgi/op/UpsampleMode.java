package io.opsgi.op;

/** The interpolation modes of upsample, by PyTorch's names. */
public enum UpsampleMode {
    NEAREST("nearest"),
    BILINEAR("bilinear");

    private final String torch;

    UpsampleMode(String torch) {
        this.torch = torch;
    }

    /** PyTorch's name, e.g. {@code bilinear}. */
    public String torch() {
        return torch;
    }

    @Override
    public String toString() {
        return torch;
    }
}
