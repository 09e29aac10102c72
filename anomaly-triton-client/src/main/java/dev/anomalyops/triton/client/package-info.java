/**
 * The client: {@link dev.anomalyops.triton.client.TritonClient} over HTTP or gRPC, its retry policy, and the
 * {@code remote} scoring engine ({@link dev.anomalyops.triton.client.RemoteScorer}). Transports are package-private.
 */
@NullMarked
package dev.anomalyops.triton.client;

import org.jspecify.annotations.NullMarked;
