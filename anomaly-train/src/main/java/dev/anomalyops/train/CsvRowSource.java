package dev.anomalyops.train;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.internal.Csv;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RowSource} streaming a CSV file (plain or gzip-compressed, recognised by its first bytes): every
 * pass re-reads the file, holding one batch in memory. With a header row, one column may be the row id and
 * others free-text context (a raw log line, a host name) that the review queue shows to people; every other
 * column is a feature. Without a header every column is a feature named {@code f0, f1, …}.
 *
 * <p>Empty fields, {@code NaN} and {@code nan} are missing values (NaN); {@code inf}/{@code Infinity} are
 * read as infinities, which the detectors quarantine. A field that is not a number fails the pass with an
 * {@link InputException} naming the file, line and column.
 *
 * <pre>{@code
 * CsvRowSource rows = CsvRowSource.builder(Path.of("host-metrics.csv.gz"))
 *         .idColumn("timestamp")
 *         .contextColumns("host")
 *         .build();
 * }</pre>
 */
public final class CsvRowSource implements RowSource {
    private final Path file;
    private final boolean header;
    private final int batchRows;
    private final FeatureSchema schema;
    private final int columns;
    private final int[] featureColumns;
    private final int idColumn;
    private final int[] contextColumns;
    private final List<String> contextNames;
    private volatile long counted = -1;

    private CsvRowSource(Builder builder, FeatureSchema schema, int columns, int[] featureColumns, int idColumn,
            int[] contextColumns, List<String> contextNames) {
        this.file = builder.file;
        this.header = builder.header;
        this.batchRows = builder.batchRows;
        this.schema = schema;
        this.columns = columns;
        this.featureColumns = featureColumns;
        this.idColumn = idColumn;
        this.contextColumns = contextColumns;
        this.contextNames = List.copyOf(contextNames);
    }

    /**
     * @param file a CSV file, optionally gzip-compressed
     * @return a builder
     */
    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** @return the file this source reads */
    public Path file() {
        return file;
    }

    @Override
    public FeatureSchema schema() {
        return schema;
    }

    /** @return the row count, known once one pass has completed */
    @Override
    public OptionalLong size() {
        long n = counted;
        return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
    }

    /** @return the names of the context columns, in file order */
    public List<String> contextNames() {
        return contextNames;
    }

    @Override
    public void forEachBatch(BatchVisitor visitor) {
        FeatureBatch batch = FeatureBatch.allocate(schema, batchRows);
        float[] values = batch.values();
        int width = schema.size();
        long[] first = {0};
        int[] filled = {0};
        long total = read((row, fields, line) -> {
            parseFeatures(fields, line, values, filled[0] * width);
            filled[0]++;
            if (filled[0] == batchRows) {
                batch.setRows(filled[0]);
                visitor.visit(batch, first[0]);
                first[0] += filled[0];
                filled[0] = 0;
            }
        });
        if (filled[0] > 0) {
            batch.setRows(filled[0]);
            visitor.visit(batch, first[0]);
        }
        counted = total;
    }

    /**
     * Reads every row once with its id and context, for exports and label stores.
     *
     * @param visitor receives each row; the feature array is reused for the next row
     */
    public void forEachRecord(RecordVisitor visitor) {
        float[] row = new float[schema.size()];
        long total = read((index, fields, line) -> {
            parseFeatures(fields, line, row, 0);
            String id = idColumn >= 0 ? fields.get(idColumn) : Long.toString(index);
            Map<String, String> context = new LinkedHashMap<>();
            for (int i = 0; i < contextColumns.length; i++) {
                context.put(contextNames.get(i), fields.get(contextColumns[i]));
            }
            visitor.visit(index, id, row, context);
        });
        counted = total;
    }

    /** Receives one row with its id and context. */
    @FunctionalInterface
    public interface RecordVisitor {
        /**
         * @param row 0-based row index (header excluded)
         * @param id the id column's value, or the row index as text when there is no id column
         * @param features the row's features in schema order (reused: copy to keep)
         * @param context context column name to value, in file order
         */
        void visit(long row, String id, float[] features, Map<String, String> context);
    }

    private interface RawVisitor {
        void visit(long row, List<String> fields, long line);
    }

    private long read(RawVisitor visitor) {
        try (Reader reader = open(file)) {
            Csv csv = new Csv(reader);
            if (header) {
                csv.next();
            }
            long row = 0;
            while (true) {
                long line = csv.line();
                List<String> fields = csv.next();
                if (fields == null) {
                    return row;
                }
                if (fields.isEmpty() || (fields.size() == 1 && fields.get(0).isBlank())) {
                    continue;
                }
                if (fields.size() != columns) {
                    throw new InputException("File " + file + " line " + line + " has " + fields.size()
                            + " fields but the " + (header ? "header" : "first row") + " has " + columns);
                }
                visitor.visit(row++, fields, line);
            }
        } catch (NoSuchFileException e) {
            throw new StorageException("CSV file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new InputException("Cannot read CSV file " + file + ": " + e.getMessage(), e);
        }
    }

    private void parseFeatures(List<String> fields, long line, float[] into, int offset) {
        for (int i = 0; i < featureColumns.length; i++) {
            String text = fields.get(featureColumns[i]);
            float value = parse(text);
            if (Float.isNaN(value) && !isMissing(text)) {
                throw new InputException("File " + file + " line " + line + ", column \"" + schema.feature(i).name()
                        + "\": value \"" + abbreviate(text) + "\" is not a number");
            }
            into[offset + i] = value;
        }
    }

    /**
     * @param text a field
     * @return its value; NaN for a missing or unparsable field
     */
    static float parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return Float.NaN;
        }
        char c = t.charAt(0);
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
            try {
                return Float.parseFloat(t);
            } catch (NumberFormatException e) {
                // fall through to the named special values
            }
        }
        switch (t.toLowerCase(Locale.ROOT)) {
            case "inf", "+inf", "infinity", "+infinity":
                return Float.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Float.NEGATIVE_INFINITY;
            default:
                return Float.NaN;
        }
    }

    private static boolean isMissing(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        return t.isEmpty() || t.equals("nan") || t.equals("na") || t.equals("null");
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    static Reader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "CsvRowSource[" + file + ", " + schema.size() + " features]";
    }

    /** Configures a {@link CsvRowSource}; {@link #build()} reads the header and reports every problem at once. */
    public static final class Builder {
        private final Path file;
        private boolean header = true;
        private int batchRows = 4096;
        private @Nullable String idColumn;
        private final Set<String> contextColumns = new LinkedHashSet<>();
        private @Nullable List<String> featureColumns;

        private Builder(Path file) {
            this.file = Objects.requireNonNull(file, "file");
        }

        /**
         * @param header whether the first line names the columns (default true)
         * @return this builder
         */
        public Builder header(boolean header) {
            this.header = header;
            return this;
        }

        /**
         * @param rows rows per batch handed to visitors (default 4096)
         * @return this builder
         */
        public Builder batchRows(int rows) {
            this.batchRows = rows;
            return this;
        }

        /**
         * @param name the column holding each row's id (needs a header)
         * @return this builder
         */
        public Builder idColumn(@Nullable String name) {
            this.idColumn = name;
            return this;
        }

        /**
         * @param names columns holding context for reviewers (raw log line, host …); not features
         * @return this builder
         */
        public Builder contextColumns(String... names) {
            contextColumns.addAll(Arrays.asList(names));
            return this;
        }

        /**
         * @param names columns holding context for reviewers; not features
         * @return this builder
         */
        public Builder contextColumns(List<String> names) {
            contextColumns.addAll(names);
            return this;
        }

        /**
         * @param names the feature columns, in schema order (default: every column that is neither id nor context)
         * @return this builder
         */
        public Builder featureColumns(List<String> names) {
            this.featureColumns = List.copyOf(names);
            return this;
        }

        /**
         * @return the source
         * @throws ConfigurationException listing every problem (unknown columns, no features, bad batch size)
         * @throws StorageException when the file cannot be read
         */
        public CsvRowSource build() {
            List<String> problems = new ArrayList<>();
            if (batchRows < 1) {
                problems.add("batchRows was " + batchRows + " but it must be at least 1");
            }
            List<String> names;
            try (Reader reader = open(file)) {
                List<String> first = new Csv(reader).next();
                if (first == null || first.isEmpty()) {
                    throw new InputException("CSV file " + file + " is empty; expected "
                            + (header ? "a header line" : "at least one row"));
                }
                if (header) {
                    names = new ArrayList<>();
                    for (String name : first) {
                        names.add(name.strip());
                    }
                } else {
                    names = new ArrayList<>();
                    for (int i = 0; i < first.size(); i++) {
                        names.add("f" + i);
                    }
                }
            } catch (NoSuchFileException e) {
                throw new StorageException("CSV file " + file + " does not exist", e);
            } catch (IOException e) {
                throw new StorageException("Cannot read CSV file " + file + ": " + e.getMessage(), e);
            }
            if (!header && (idColumn != null || !contextColumns.isEmpty())) {
                problems.add("id and context columns are chosen by name, which needs a header line");
            }
            int id = -1;
            if (idColumn != null) {
                id = names.indexOf(idColumn);
                if (id < 0) {
                    problems.add("id column \"" + idColumn + "\" is not in the header " + names);
                }
            }
            List<String> contextNames = new ArrayList<>(contextColumns);
            int[] context = new int[contextNames.size()];
            for (int i = 0; i < context.length; i++) {
                context[i] = names.indexOf(contextNames.get(i));
                if (context[i] < 0) {
                    problems.add("context column \"" + contextNames.get(i) + "\" is not in the header " + names);
                }
            }
            List<String> features = new ArrayList<>();
            if (featureColumns != null) {
                for (String name : featureColumns) {
                    if (!names.contains(name)) {
                        problems.add("feature column \"" + name + "\" is not in the header " + names);
                    }
                    features.add(name);
                }
            } else {
                for (String name : names) {
                    if (!name.equals(idColumn) && !contextColumns.contains(name)) {
                        features.add(name);
                    }
                }
            }
            if (features.isEmpty()) {
                problems.add("CSV file " + file + " has no feature columns");
            }
            if (new LinkedHashSet<>(names).size() != names.size()) {
                problems.add("the header of " + file + " names a column twice: " + names);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            int[] featureIndex = new int[features.size()];
            for (int i = 0; i < featureIndex.length; i++) {
                featureIndex[i] = names.indexOf(features.get(i));
            }
            FeatureSchema schema = FeatureSchema.of(features.toArray(String[]::new));
            return new CsvRowSource(this, schema, names.size(), featureIndex, id, context, contextNames);
        }
    }
}
