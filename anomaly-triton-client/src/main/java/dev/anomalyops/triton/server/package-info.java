/**
 * The server side of the Open Inference Protocol, independent of any HTTP or gRPC framework: {@link
 * dev.anomalyops.triton.server.InferenceService} is what a server does, {@link
 * dev.anomalyops.triton.server.ScoringInferenceService} does it with {@code Scorer}s (validation, the v2 response
 * shape, a dynamic batcher), and {@link dev.anomalyops.triton.server.HttpEndpoints} and {@link
 * dev.anomalyops.triton.server.GrpcEndpoints} turn requests' bytes into calls and answers into bytes, with the
 * protocol's error objects and statuses ({@link dev.anomalyops.triton.server.ErrorStatus}). A server framework
 * (the reference app uses Armeria) only moves bytes.
 */
@NullMarked
package dev.anomalyops.triton.server;

import org.jspecify.annotations.NullMarked;
