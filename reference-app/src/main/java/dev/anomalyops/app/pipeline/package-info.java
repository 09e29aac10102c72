/**
 * The pipeline from raw data to an explained anomaly as reusable steps: configuration ({@link
 * dev.anomalyops.app.pipeline.PipelineConfig}), one class per step (ingest, validate, features, detect and review,
 * drift, retrain) and the demo that chains them and writes the HTML report. The CLI commands are thin wrappers.
 */
@NullMarked
package dev.anomalyops.app.pipeline;

import org.jspecify.annotations.NullMarked;
