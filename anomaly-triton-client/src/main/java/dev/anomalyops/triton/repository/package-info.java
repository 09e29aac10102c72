/**
 * Triton model repository export: {@code models/<name>/config.pbtxt} and {@code models/<name>/<version>/…} for
 * XGBoost on Triton's FIL backend and for any model as ONNX on the onnxruntime backend, each config validated by
 * parsing it back against Triton's {@code ModelConfig} message.
 */
@NullMarked
package dev.anomalyops.triton.repository;

import org.jspecify.annotations.NullMarked;
