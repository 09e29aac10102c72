/**
 * A Java client for the Open Inference Protocol (KServe v2) as served by NVIDIA Triton, KServe and the
 * AnomalyOps reference server, over HTTP/JSON (with Triton's binary tensor extension) and gRPC, plus
 * {@link dev.anomalyops.triton.client.RemoteScorer}, which puts a remote model behind the core {@code Scorer} SPI.
 * No gRPC or protobuf type appears in this API; the generated classes live in {@code ..internal..}.
 *
 * <pre>{@code
 * try (TritonClient client = TritonClient.builder(URI.create("grpc://localhost:8001")).build()) {
 *     InferResponse response = client.infer(InferRequest.builder("cpu-anomaly")
 *             .input(Tensor.fp32("input", new long[] {1, 38}, row))
 *             .build());
 *     float p = response.output("probabilities").floats()[1];
 * }
 * }</pre>
 */
@NullMarked
package dev.anomalyops.triton;

import org.jspecify.annotations.NullMarked;
