/**
 * The {@code onnxruntime} engine and the ONNX exporter. {@link dev.anomalyops.scoring.onnx.OnnxExporter} turns
 * any tree ensemble the core scorer loads (XGBoost JSON/UBJ, CatBoost JSON) into a standard ONNX model
 * ({@code ai.onnx.ml} TreeEnsembleRegressor plus a few {@code ai.onnx} operators) that ONNX Runtime, Triton's
 * onnxruntime backend and any other ONNX consumer can score; {@link dev.anomalyops.scoring.onnx.OnnxScorerProvider}
 * scores ONNX bundles with ONNX Runtime (CPU by default, CUDA when asked for and present).
 */
@NullMarked
package dev.anomalyops.scoring.onnx;

import org.jspecify.annotations.NullMarked;
