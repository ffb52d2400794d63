/** Reference adaptive and global pooling kernels (implementation package: exports nothing). */
package io.opsgi.kernel.adaptivepool2d.direct;
