package io.opsgi.op;

/** The interpolation modes of upsample, by PyTorch's names. */
public enum UpsampleMode {
    NEAREST("nearest"),
    BILINEAR("bilinear"),
    BICUBIC("bicubic");

    private final String torch;

    UpsampleMode(String torch) {
        this.torch = torch;
    }

    /** PyTorch's name, e.g. {@code bilinear}. */
    public String torch() {
        return torch;
    }

    /** Bilinear and bicubic blend neighbours (and take align_corners); nearest copies one. */
    public boolean interpolates() {
        return this != NEAREST;
    }

    /** Input elements read per axis for one output: 1, 2 or 4. */
    public int taps() {
        return switch (this) {
            case NEAREST -> 1;
            case BILINEAR -> 2;
            case BICUBIC -> 4;
        };
    }

    @Override
    public String toString() {
        return torch;
    }
}
