/** Reference conv_transpose2d kernel (implementation package: exports nothing). */
package io.opsgi.kernel.convtranspose2d.direct;
