package io.opsgi.runtime;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Judges sampled live calls, a service like {@link KernelVerifier} (the conformance kit provides
 * one; the runtime never imports the kit): the runtime recomputes a share of live calls with the
 * op's reference kernel, off the caller's thread, and asks this judge whether the two outputs agree.
 * Without one registered, live calls are not sampled.
 */
@ConsumerType
public interface LiveCallJudge {
    /**
     * Compares output {@code output} of a live call of {@code op} on {@code geometry} (the kernel
     * method's first argument) with the reference kernel's, within the op's tolerance.
     *
     * @param inputs the call's float inputs (some tolerances scale with them)
     * @return null if they agree, else one line saying where and by how much they differ
     */
    String compare(String op, Object geometry, List<float[]> inputs, String output, float[] reference, float[] actual);
}
