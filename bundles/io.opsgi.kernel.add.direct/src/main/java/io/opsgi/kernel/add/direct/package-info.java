/** Reference add kernel (implementation package: exports nothing). */
package io.opsgi.kernel.add.direct;
