package dev.anomalyops.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.testing.SharedData;
import dev.anomalyops.features.parquet.ParquetTableReader;
import dev.anomalyops.features.parquet.RowGroup;
import dev.anomalyops.registry.s3.testing.S3ProxyServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * {@code ingest} from {@code s3://bucket/prefix} against a real S3 server on loopback (s3proxy) writes the same
 * Parquet rows as from the local folder.
 */
class IngestFromS3Test {
    @TempDir
    Path temp;

    @Test
    void s3AndLocalFolderGiveTheSameLake() throws Exception {
        Path data = SharedData.require("smd/train/machine-3-2.txt.gz").getParent().getParent().getParent();
        Map<String, String> slice = Map.of("data.machines", "machine-3-2", "data.logs", "Zookeeper",
                "data.max-rows", "700");
        PipelineConfig local = PipelineConfig.load(null, n -> null, merge(slice, "data.source", data.toString()), temp);
        PipelineConfig s3 = PipelineConfig.load(null, n -> null, merge(slice, "data.source", "s3://raw/datasets"), temp);
        try (S3ProxyServer server = S3ProxyServer.start(null); S3Client client = server.client()) {
            server.createBucket("raw");
            for (String key : new String[] {"smd/train/machine-3-2.txt.gz", "smd/test/machine-3-2.txt.gz",
                "smd/test_label/machine-3-2.txt", "loghub/Zookeeper/Zookeeper_2k.log"}) {
                client.putObject(PutObjectRequest.builder().bucket("raw").key("datasets/" + key).build(),
                        RequestBody.fromFile(data.resolve(key)));
            }
            Workspace fromS3 = new Workspace(temp.resolve("s3"));
            Ingest.Result viaS3 = Ingest.run(s3, fromS3, Progress.NONE, server::client);
            Workspace fromFolder = new Workspace(temp.resolve("local"));
            Ingest.Result viaFolder = Ingest.run(local, fromFolder, Progress.NONE);

            assertThat(viaS3.rows()).isEqualTo(viaFolder.rows()).containsEntry("test/machine-3-2", 700L);
            assertThat(viaS3.anomalies()).isEqualTo(viaFolder.anomalies()).isPositive();
            assertThat(viaS3.logLines()).isEqualTo(viaFolder.logLines()).containsEntry("Zookeeper", 2000L);
            for (String split : Workspace.SPLITS) {
                assertThat(column(fromS3.lakeMetrics(split, "machine-3-2"), "m07"))
                        .isEqualTo(column(fromFolder.lakeMetrics(split, "machine-3-2"), "m07"));
            }
            assertThat(fromS3.root().resolve("download")).as("downloads are cleaned up").doesNotExist();

            PipelineConfig missing = PipelineConfig.load(null, n -> null, merge(slice, "data.source",
                    "s3://raw/elsewhere"), temp);
            assertThatThrownBy(() -> Ingest.run(missing, new Workspace(temp.resolve("x")), Progress.NONE,
                    server::client)).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("smd/train/machine-3-2.txt.gz");
        }
    }

    private static double[] column(Path file, String name) {
        try (ParquetTableReader reader = ParquetTableReader.open(file)) {
            RowGroup group = reader.next();
            assertThat(reader.next()).isNull();
            return group.doubles(name);
        }
    }

    private static Map<String, String> merge(Map<String, String> base, String key, String value) {
        java.util.Map<String, String> all = new java.util.HashMap<>(base);
        all.put(key, value);
        return all;
    }
}
