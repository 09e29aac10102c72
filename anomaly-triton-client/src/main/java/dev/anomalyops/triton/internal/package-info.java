/**
 * Implementation of the client and server endpoints: the HTTP/JSON and protobuf codecs, the transports, the
 * retry loop, and the generated gRPC classes ({@code ..internal.grpc}). No compatibility promise.
 */
@NullMarked
package dev.anomalyops.triton.internal;

import org.jspecify.annotations.NullMarked;
