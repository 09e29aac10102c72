/** Implementation details of the ONNX module: graph building and the generated ONNX protobuf classes. */
@NullMarked
package dev.anomalyops.scoring.onnx.internal;

import org.jspecify.annotations.NullMarked;
