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
}
