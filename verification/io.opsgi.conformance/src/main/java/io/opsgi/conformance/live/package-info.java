/** The judge of sampled live calls (a service the runtime uses). */
package io.opsgi.conformance.live;
