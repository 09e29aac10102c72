package dev.anomalyops.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRowSourceTest {
    @TempDir
    Path temp;

    @Test
    void readsFeaturesIdsAndContextInBatchesPassAfterPass() throws Exception {
        Path file = temp.resolve("logs.csv.gz");
        String text = "ts,cpu,raw,mem\r\n"
                + "t1,0.5,\"GET /a, 200\",1e-3\r\n"
                + "t2,,\"said \"\"hi\"\"\nthen left\",NaN\r\n"
                + "\r\n"
                + "t3,-inf,plain,2\r\n";
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        CsvRowSource source = CsvRowSource.builder(file).idColumn("ts").contextColumns("raw").batchRows(2).build();
        assertThat(source.schema().names()).containsExactly("cpu", "mem");
        assertThat(source.size()).isEmpty();
        List<Long> firsts = new ArrayList<>();
        source.forEachBatch((batch, first) -> firsts.add(first));
        assertThat(firsts).containsExactly(0L, 2L);
        assertThat(source.size()).hasValue(3);

        FeatureBatch all = source.collect();
        assertThat(all.rows()).isEqualTo(3);
        assertThat(all.get(0, 1)).isEqualTo(1e-3f);
        assertThat(all.get(1, 0)).isNaN();
        assertThat(all.get(1, 1)).isNaN();
        assertThat(all.get(2, 0)).isEqualTo(Float.NEGATIVE_INFINITY);

        List<String> seen = new ArrayList<>();
        source.forEachRecord((row, id, features, context) -> seen.add(row + " " + id + " " + context));
        assertThat(seen).containsExactly("0 t1 {raw=GET /a, 200}", "1 t2 {raw=said \"hi\"\nthen left}",
                "2 t3 {raw=plain}");
    }

    @Test
    void headerlessFilesNameFeaturesLikeXgboost() throws Exception {
        Path file = temp.resolve("smd.txt");
        Files.writeString(file, "0.1,0.2,0.3\n0.4,0.5,0.6\n");
        CsvRowSource source = CsvRowSource.builder(file).header(false).build();
        assertThat(source.schema().names()).containsExactly("f0", "f1", "f2");
        assertThat(source.collect().get(1, 2)).isEqualTo(0.6f);
    }

    @Test
    void badInputIsNamedPrecisely() throws Exception {
        Path file = temp.resolve("bad.csv");
        Files.writeString(file, "a,b\n1,2\n3,x7\n");
        CsvRowSource source = CsvRowSource.builder(file).build();
        assertThatThrownBy(source::collect).isInstanceOf(InputException.class)
                .hasMessageContaining("line 3").hasMessageContaining("column \"b\"").hasMessageContaining("\"x7\"");
        Files.writeString(file, "a,b\n1,2,3\n");
        assertThatThrownBy(() -> CsvRowSource.builder(file).build().collect()).isInstanceOf(InputException.class)
                .hasMessageContaining("line 2 has 3 fields but the header has 2");
        assertThatThrownBy(() -> CsvRowSource.builder(file).idColumn("nope").contextColumns("gone").batchRows(0).build())
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).violations()).hasSize(3));
    }
}
