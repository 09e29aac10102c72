/**
 * The reference inference server: Armeria serving the Open Inference Protocol's REST and gRPC endpoints on one
 * port (the protocol logic lives in {@code dev.anomalyops.triton.server}), Prometheus {@code /metrics}, models from
 * the registry.
 */
@NullMarked
package dev.anomalyops.app.server;

import org.jspecify.annotations.NullMarked;
