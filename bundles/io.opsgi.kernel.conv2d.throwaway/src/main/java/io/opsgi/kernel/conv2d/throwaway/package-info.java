/** Throwaway conv2d kernel, a copy of direct (implementation package: exports nothing). */
package io.opsgi.kernel.conv2d.throwaway;
