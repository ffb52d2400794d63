/** A kernel bundle's implementation package: exports nothing, the kernel is reached as a service. */
package org.example.kernels.template;
