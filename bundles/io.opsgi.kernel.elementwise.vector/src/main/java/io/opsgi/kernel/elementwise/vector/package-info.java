/** Vector API element-wise activations (implementation package: exports nothing). */
package io.opsgi.kernel.elementwise.vector;
