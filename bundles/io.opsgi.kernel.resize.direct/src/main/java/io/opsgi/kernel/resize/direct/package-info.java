/** Reference resize kernel (implementation package: exports nothing). */
package io.opsgi.kernel.resize.direct;
