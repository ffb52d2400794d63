/** Reference lp_pool2d kernel (implementation package: exports nothing). */
package io.opsgi.kernel.lppool2d.direct;
