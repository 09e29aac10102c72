package dev.anomalyops.features.logs.templates;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The standard log-parsing metrics of the Loghub benchmark, for evaluating a miner against labelled data.
 *
 * <ul>
 *   <li>Grouping accuracy (GA, Zhu et al., ICSE-SEIP 2019): the share of messages whose predicted group has
 *       exactly the same members as their true group.</li>
 *   <li>Parsing accuracy (PA): the share of messages whose predicted template text equals the true template
 *       text exactly.</li>
 * </ul>
 */
public final class ParsingAccuracy {
    private ParsingAccuracy() {}

    /**
     * @param truth the true group of each message (any keys with {@code equals})
     * @param predicted the predicted group of each message, same order and size
     * @return GA in [0, 1]; 1 for empty input
     * @throws IllegalArgumentException when the sizes differ
     */
    public static double groupingAccuracy(List<?> truth, List<?> predicted) {
        checkSizes(truth, predicted);
        int n = truth.size();
        if (n == 0) {
            return 1.0;
        }
        Map<Object, Integer> truthSizes = new HashMap<>();
        for (Object key : truth) {
            truthSizes.merge(key, 1, Integer::sum);
        }
        Map<Object, Group> groups = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Group group = groups.computeIfAbsent(predicted.get(i), k -> new Group());
            group.size++;
            Object key = truth.get(i);
            if (group.size == 1) {
                group.truth = key;
            } else if (!Objects.equals(group.truth, key)) {
                group.mixed = true;
            }
        }
        long correct = 0;
        for (Group group : groups.values()) {
            if (!group.mixed && truthSizes.get(group.truth) == group.size) {
                correct += group.size;
            }
        }
        return (double) correct / n;
    }

    private static final class Group {
        int size;
        @org.jspecify.annotations.Nullable Object truth;
        boolean mixed;
    }

    /**
     * @param truth the true template text of each message
     * @param predicted the predicted template text of each message, same order and size (null for none)
     * @return PA in [0, 1]; 1 for empty input
     * @throws IllegalArgumentException when the sizes differ
     */
    public static double parsingAccuracy(List<String> truth, List<String> predicted) {
        checkSizes(truth, predicted);
        if (truth.isEmpty()) {
            return 1.0;
        }
        long correct = 0;
        for (int i = 0; i < truth.size(); i++) {
            if (Objects.equals(truth.get(i), predicted.get(i))) {
                correct++;
            }
        }
        return (double) correct / truth.size();
    }

    private static void checkSizes(List<?> truth, List<?> predicted) {
        if (truth.size() != predicted.size()) {
            throw new IllegalArgumentException("The truth has " + truth.size() + " messages but the prediction has "
                    + predicted.size());
        }
    }
}
