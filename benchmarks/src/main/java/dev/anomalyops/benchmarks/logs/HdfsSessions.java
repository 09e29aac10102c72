package dev.anomalyops.benchmarks.logs;

import dev.anomalyops.features.logs.LogLevel;
import dev.anomalyops.features.logs.windows.LogFeatureExtractor;
import dev.anomalyops.features.logs.windows.LogFeatureRow;
import dev.anomalyops.features.logs.windows.LogFeatureTable;
import dev.anomalyops.features.logs.windows.LogWindowAggregator;
import dev.anomalyops.features.logs.windows.TemplateVocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The HDFS_100k block sessions of {@code shared/data/hdfs} ({@code BlockId,Label,Split,NumEvents,
 * TemplateIdSequence}) and their per-block template-count vectors, computed with the SDK's session features
 * ({@link LogFeatureExtractor} grouped by session; template {@code Tnn} is template id {@code nn}).
 */
public final class HdfsSessions {
    private static final Pattern TEMPLATE = Pattern.compile("T(\\d+)");

    /**
     * @param blockId the block
     * @param label 1 for an anomalous block
     * @param split {@code train} or {@code test}
     * @param templates the block's events as template ids, in log order
     */
    public record Session(String blockId, int label, String split, int[] templates) {}

    /**
     * Count vectors of one split.
     *
     * @param blockIds the blocks, in file order
     * @param features one row per block: the template-count columns
     * @param labels 1 for an anomalous block
     */
    public record Split(List<String> blockIds, float[][] features, int[] labels) {
        /** @return the number of blocks */
        public int size() {
            return labels.length;
        }

        /** @return the number of anomalous blocks */
        public int anomalies() {
            int count = 0;
            for (int label : labels) {
                count += label;
            }
            return count;
        }
    }

    private final List<Session> sessions;
    private final TemplateVocabulary vocabulary;

    private HdfsSessions(List<Session> sessions, TemplateVocabulary vocabulary) {
        this.sessions = sessions;
        this.vocabulary = vocabulary;
    }

    /**
     * @param file {@code HDFS_100k_sessions.csv}
     * @return the sessions
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when a row is malformed
     */
    public static HdfsSessions read(Path file) throws IOException {
        Rfc4180 csv = Rfc4180.read(file);
        List<Session> sessions = new ArrayList<>(csv.size());
        List<Integer> ids = new ArrayList<>();
        for (int row = 0; row < csv.size(); row++) {
            String sequence = csv.get(row, "TemplateIdSequence").strip();
            String[] events = sequence.isEmpty() ? new String[0] : sequence.split("\\s+");
            int[] templates = new int[events.length];
            for (int e = 0; e < events.length; e++) {
                var matcher = TEMPLATE.matcher(events[e]);
                if (!matcher.matches()) {
                    throw new IllegalArgumentException("Row " + (row + 2) + " of \"" + file + "\" has template \""
                            + events[e] + "\"; expected T followed by digits");
                }
                templates[e] = Integer.parseInt(matcher.group(1));
                ids.add(templates[e]);
            }
            String label = csv.get(row, "Label").strip();
            sessions.add(new Session(csv.get(row, "BlockId"), label.equals("1") || label.equalsIgnoreCase("Anomaly") ? 1 : 0,
                    csv.get(row, "Split").strip(), templates));
        }
        return new HdfsSessions(sessions, TemplateVocabulary.of(ids));
    }

    /** @return every session, in file order */
    public List<Session> sessions() {
        return sessions;
    }

    /** @return the templates seen, one count column each */
    public TemplateVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The best F1 any classifier of count vectors can reach on {@code test}: it predicts, for each test vector,
     * the majority label of all blocks (both splits) with the same vector. It looks at the test labels, so it is
     * a ceiling for context, not a result. Blocks whose sessions were cut short by the 100k-line sample share
     * their vector with normal blocks while their label comes from the full log.
     *
     * @param train the training split
     * @param test the test split
     * @return the confusion counts of that oracle on the test split
     */
    public static BinaryMetrics countVectorCeiling(Split train, Split test) {
        Map<String, int[]> votes = new HashMap<>();
        for (Split split : List.of(train, test)) {
            for (int i = 0; i < split.size(); i++) {
                votes.computeIfAbsent(java.util.Arrays.toString(split.features()[i]), k -> new int[2])[split.labels()[i]]++;
            }
        }
        int[] predicted = new int[test.size()];
        for (int i = 0; i < test.size(); i++) {
            int[] vote = votes.get(java.util.Arrays.toString(test.features()[i]));
            predicted[i] = vote[1] > vote[0] ? 1 : 0;
        }
        return BinaryMetrics.of(test.labels(), predicted);
    }

    /**
     * @param split {@code train} or {@code test}
     * @return the template-count vectors and labels of that split's blocks
     */
    public Split split(String split) {
        LogFeatureExtractor extractor = LogFeatureExtractor.builder(vocabulary)
                .bySession(Pattern.compile("blk_-?\\d+"))
                .build();
        LogFeatureTable.Collector rows = LogFeatureTable.collector(extractor);
        LogWindowAggregator aggregator = extractor.aggregator(rows::add);
        Map<String, Integer> labels = new HashMap<>();
        for (Session session : sessions) {
            if (!session.split().equals(split)) {
                continue;
            }
            labels.put(session.blockId(), session.label());
            for (int template : session.templates()) {
                aggregator.accept(session.blockId(), null, LogLevel.UNKNOWN, template);
            }
        }
        aggregator.finish();
        LogFeatureTable table = rows.table();
        int first = LogFeatureExtractor.BASE_COLUMNS.size();
        int width = vocabulary.size();
        List<String> blockIds = new ArrayList<>(table.size());
        float[][] features = new float[table.size()][width];
        int[] y = new int[table.size()];
        for (int r = 0; r < table.size(); r++) {
            LogFeatureRow row = table.rows().get(r);
            blockIds.add(row.key());
            for (int c = 0; c < width; c++) {
                features[r][c] = row.value(first + c);
            }
            y[r] = labels.get(row.key());
        }
        return new Split(blockIds, features, y);
    }
}
