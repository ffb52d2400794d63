/** conv_transpose2d by SGEMM + col2im (implementation package: exports nothing). */
package io.opsgi.kernel.convtranspose2d.gemm;
