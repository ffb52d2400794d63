/** Reference activation kernels (implementation package: exports nothing). */
package io.opsgi.kernel.activation.direct;
