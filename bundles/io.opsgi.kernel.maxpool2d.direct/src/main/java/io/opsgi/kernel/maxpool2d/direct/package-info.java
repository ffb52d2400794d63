/** Reference max_pool2d kernel (implementation package: exports nothing). */
package io.opsgi.kernel.maxpool2d.direct;
