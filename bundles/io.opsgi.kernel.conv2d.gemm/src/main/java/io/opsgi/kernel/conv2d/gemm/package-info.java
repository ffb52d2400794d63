/** conv2d by im2col + SGEMM (implementation package: exports nothing). */
package io.opsgi.kernel.conv2d.gemm;
