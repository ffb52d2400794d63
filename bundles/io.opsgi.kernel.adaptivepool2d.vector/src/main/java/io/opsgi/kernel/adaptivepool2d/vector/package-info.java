/** Vector API adaptive average pooling kernel (implementation package: exports nothing). */
package io.opsgi.kernel.adaptivepool2d.vector;
