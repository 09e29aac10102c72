package dev.anomalyops.benchmarks.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.testing.SharedData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HdfsSessionsTest {
    @Test
    void countVectorsAddUpToEachBlocksNumberOfEvents() throws Exception {
        Path file = SharedData.require("hdfs/HDFS_100k_sessions.csv");
        HdfsSessions data = HdfsSessions.read(file);
        Rfc4180 csv = Rfc4180.read(file);
        Map<String, Integer> events = new HashMap<>();
        Map<String, String> splits = new HashMap<>();
        for (int row = 0; row < csv.size(); row++) {
            events.put(csv.get(row, "BlockId"), Integer.parseInt(csv.get(row, "NumEvents")));
            splits.put(csv.get(row, "BlockId"), csv.get(row, "Split"));
        }
        int blocks = 0;
        int anomalies = 0;
        for (String split : new String[] {"train", "test"}) {
            HdfsSessions.Split vectors = data.split(split);
            for (int i = 0; i < vectors.size(); i++) {
                String block = vectors.blockIds().get(i);
                float sum = 0;
                for (float count : vectors.features()[i]) {
                    sum += count;
                }
                assertThat(sum).as(block).isEqualTo((float) events.get(block));
                assertThat(splits.get(block)).isEqualTo(split);
            }
            blocks += vectors.size();
            anomalies += vectors.anomalies();
        }
        assertThat(blocks).isEqualTo(csv.size()).isEqualTo(7940);
        assertThat(anomalies).isEqualTo(313);
        assertThat(data.vocabulary().size()).isEqualTo(19);
    }

    @Test
    void theCeilingNeverLosesToItsOwnVotes() {
        float[][] train = {{1, 0}, {1, 0}, {0, 1}};
        HdfsSessions.Split a = new HdfsSessions.Split(java.util.List.of("a", "b", "c"), train, new int[] {0, 1, 1});
        HdfsSessions.Split b = new HdfsSessions.Split(java.util.List.of("d", "e"), new float[][] {{1, 0}, {0, 1}}, new int[] {1, 1});
        BinaryMetrics ceiling = HdfsSessions.countVectorCeiling(a, b);
        // {1,0} has votes 0:1, 1:2 -> anomaly; {0,1} has 1:2 -> anomaly: both test anomalies found.
        assertThat(ceiling.f1()).isEqualTo(1.0);
    }
}
