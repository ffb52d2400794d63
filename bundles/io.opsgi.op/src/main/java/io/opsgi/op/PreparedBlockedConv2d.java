package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@link PreparedConv2d} that can also exchange activations with the convs before and after it in a
 * channel-blocked layout ({@link ChannelBlocks}), so that a network plan converts NCHW to blocks once at
 * the boundary instead of around every convolution (ONNX Runtime's NCHWc, oneDNN's nChw16c). A layout
 * belongs to the kernel that wrote it: a plan hands a blocked value only between prepared convs of the
 * same {@link #layoutOwner()}, and prepares and decides again when the kernels serving it change.
 */
@ConsumerType
public interface PreparedBlockedConv2d extends PreparedConv2d {
    /**
     * Who defines the layout: blocked values pass only between equal owners. {@code ChannelBlocks.class} for the
     * layout exactly as {@link ChannelBlocks} specifies it (shared by every kernel that says so), the kernel's own
     * class for a private variant.
     */
    Object layoutOwner();

    /** Floats per channel block of the layout this conv reads and writes. */
    int lanes();

    /** Whether {@link #run(float[], ChannelBlocks, float[], ChannelBlocks, float[], ChannelBlocks)} takes a blocked input. */
    boolean readsBlocked();

    /** Whether it writes a blocked output (with this epilogue). */
    boolean writesBlocked();

    /** Zero columns a blocked input needs left of column 0 (if {@link #readsBlocked}). */
    int inputLeft();

    /** Zero columns a blocked input needs right of its last column (if {@link #readsBlocked}). */
    int inputRight();

    /**
     * As {@link #run(float[], float[], float[])}, each of x, residual and y NCHW where its layout is null and
     * in that layout otherwise (x: {@link #readsBlocked} with at least {@link #inputLeft()} and
     * {@link #inputRight()} zero columns; y: {@link #writesBlocked}, its zero columns written too).
     */
    void run(float[] x, ChannelBlocks xLayout, float[] residual, ChannelBlocks residualLayout, @Output float[] y, ChannelBlocks yLayout);

    /**
     * As {@link #run(float[], ChannelBlocks, float[], ChannelBlocks, float[], ChannelBlocks)} with a blocked output
     * placed at float {@code yOffset} of {@code y}: floats {@code [yOffset, yOffset + yLayout.size(...))} are the output
     * in {@code yLayout}, zero columns included, and no other float of y is written. A plan places the convs a channel
     * concat joins (batch 1) each in its blocks of the concat's output this way, so that the concat copies nothing. The
     * default runs on a copy of those floats and copies it back; a kernel that can write in place overrides it.
     *
     * @throws IllegalArgumentException if {@code yLayout} is null or y does not hold the output at {@code yOffset}
     */
    default void run(float[] x, ChannelBlocks xLayout, float[] residual, ChannelBlocks residualLayout, @Output float[] y, int yOffset,
            ChannelBlocks yLayout) {
        ConvGeometry g = geometry();
        long size = yLayout == null ? -1 : yLayout.size(g.n(), g.cOut(), g.oh(), g.ow());
        if (size < 0 || y == null || yOffset < 0 || yOffset + size > y.length) {
            throw new IllegalArgumentException("prepared conv2d " + g + ": a placed output needs a blocked layout and " + size + " floats at "
                    + yOffset + ", got " + (y == null ? "no array" : y.length + " floats"));
        }
        float[] own = java.util.Arrays.copyOfRange(y, yOffset, (int) (yOffset + size)); // as the place held it: a run must write all of it
        run(x, xLayout, residual, residualLayout, own, yLayout);
        System.arraycopy(own, 0, y, yOffset, own.length);
    }
}
