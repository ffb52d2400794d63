/** Reference conv2d kernel (implementation package: exports nothing). */
package io.opsgi.kernel.conv2d.direct;
