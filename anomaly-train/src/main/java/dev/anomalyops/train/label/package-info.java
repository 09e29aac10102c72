/**
 * Semi-supervised labelling: a detector's scores become {@linkplain dev.anomalyops.train.label.PseudoLabeler
 * pseudo-labels}, a {@linkplain dev.anomalyops.train.label.ReviewQueue review queue} picks the share of flagged
 * rows people should check and {@linkplain dev.anomalyops.train.label.ReviewFiles exports} them, reviewed files
 * come back into an append-only, crash-safe {@linkplain dev.anomalyops.train.label.LabelStore label store},
 * and a {@linkplain dev.anomalyops.train.label.TrainingSet training set} combines human and pseudo-labels with
 * weights recorded for the model bundle.
 *
 * <pre>{@code
 * double[] scores = model.scoreAll(rows);
 * PseudoLabels pseudo = PseudoLabeler.threshold(model.threshold()).label(scores);
 * ReviewQueue queue = ReviewQueue.builder().budget(0.2).seed(1).build();
 * List<ReviewItem> items = queue.select(scores, model.threshold(), ...);
 * ReviewFiles.writeCsv(items, schema, Path.of("review.csv"));
 * // ... people fill the "label" column ...
 * try (LabelStore store = LabelStore.open(Path.of("labels.jsonl"))) {
 *     store.append(pseudo.toLabels(ids, "isolation-forest", clock), "detector run");
 *     store.append(ReviewFiles.read(Path.of("review.csv"), "alice", clock), "review.csv");
 *     TrainingSet set = TrainingSet.builder().humanWeight(5).build().assemble(rows, ids, store);
 * }
 * }</pre>
 */
@NullMarked
package dev.anomalyops.train.label;

import org.jspecify.annotations.NullMarked;
