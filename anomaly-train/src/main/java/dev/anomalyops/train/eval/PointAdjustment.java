package dev.anomalyops.train.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Anomaly segments and the point adjustment of Xu et al. (WWW 2018) used by most time-series papers: when
 * any point of a labelled anomaly segment is flagged, every point of that segment counts as flagged.
 * Point-adjusted scores are much higher than point-wise ones (a random detector can look good), so report
 * both and compare only like with like.
 */
public final class PointAdjustment {
    private PointAdjustment() {}

    /**
     * A run of consecutive anomalous rows.
     *
     * @param start first row
     * @param end one past the last row
     */
    public record Segment(int start, int end) {
        /** Checks the bounds. */
        public Segment {
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("A segment needs 0 <= start < end but was [" + start + ", " + end + ")");
            }
        }

        /** @return rows in the segment */
        public int length() {
            return end - start;
        }
    }

    /**
     * @param labels labels in time order, 0 or 1
     * @return the maximal runs of 1s, in order
     */
    public static List<Segment> segments(int[] labels) {
        List<Segment> segments = new ArrayList<>();
        int i = 0;
        while (i < labels.length) {
            if (labels[i] == 1) {
                int start = i;
                while (i < labels.length && labels[i] == 1) {
                    i++;
                }
                segments.add(new Segment(start, i));
            } else {
                i++;
            }
        }
        return segments;
    }

    /**
     * @param predicted predictions in time order
     * @param labels labels in the same order
     * @return a copy of the predictions where every segment with at least one flagged row is flagged entirely
     */
    public static boolean[] adjust(boolean[] predicted, int[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException("There are " + predicted.length + " predictions but " + labels.length
                    + " labels");
        }
        boolean[] adjusted = predicted.clone();
        for (Segment segment : segments(labels)) {
            boolean hit = false;
            for (int i = segment.start(); i < segment.end() && !hit; i++) {
                hit = predicted[i];
            }
            if (hit) {
                for (int i = segment.start(); i < segment.end(); i++) {
                    adjusted[i] = true;
                }
            }
        }
        return adjusted;
    }

    /**
     * @param predicted predictions in time order
     * @param labels labels in the same order
     * @return how many segments have at least one flagged row
     */
    public static int detectedSegments(boolean[] predicted, int[] labels) {
        int detected = 0;
        for (Segment segment : segments(labels)) {
            for (int i = segment.start(); i < segment.end(); i++) {
                if (predicted[i]) {
                    detected++;
                    break;
                }
            }
        }
        return detected;
    }
}
