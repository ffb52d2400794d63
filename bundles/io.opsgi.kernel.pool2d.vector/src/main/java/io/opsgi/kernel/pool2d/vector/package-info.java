/** Vector API max_pool2d and avg_pool2d kernels (implementation package: exports nothing). */
package io.opsgi.kernel.pool2d.vector;
