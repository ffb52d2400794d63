/** The property suite: generators, laws per op family, and the runner used inside the container. Not exported. */
package io.opsgi.properties;
