/** Tests of kernels in other processes (implementation package: exports nothing). */
package io.opsgi.remote.itest;
