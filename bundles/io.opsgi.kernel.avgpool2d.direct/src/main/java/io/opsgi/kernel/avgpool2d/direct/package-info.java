/** Reference avg_pool2d kernel (implementation package: exports nothing). */
package io.opsgi.kernel.avgpool2d.direct;
