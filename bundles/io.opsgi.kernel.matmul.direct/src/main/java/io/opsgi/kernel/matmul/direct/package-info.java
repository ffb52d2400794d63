/** Reference matmul kernel (implementation package: exports nothing). */
package io.opsgi.kernel.matmul.direct;
