/** Reference binary element-wise kernel (implementation package: exports nothing). */
package io.opsgi.kernel.binary.direct;
