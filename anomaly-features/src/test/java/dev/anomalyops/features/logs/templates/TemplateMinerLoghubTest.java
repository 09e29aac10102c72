package dev.anomalyops.features.logs.templates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.features.logs.LineOutcome;
import dev.anomalyops.features.logs.LogFormat;
import dev.anomalyops.features.logs.LoghubSamples;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The miner with its defaults on the eight Loghub development samples: the grouping it finds agrees with the
 * human annotation (the standard grouping accuracy), whatever the order the lines come in, and saving and
 * loading half-way changes nothing. The figures themselves are reported by {@code ./bench loghub}.
 */
class TemplateMinerLoghubTest {
    private record Sample(String system, List<String> contents, List<String> truth) {}

    private static List<Sample> samples() throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (String[] system : LoghubSamples.SYSTEMS) {
            LogFormat format = LogFormat.of(system[1]);
            List<String> contents = new ArrayList<>();
            long number = 0;
            for (String line : Files.readAllLines(LoghubSamples.log(system[0]), StandardCharsets.UTF_8)) {
                LineOutcome outcome = format.parse(line, ++number);
                contents.add(outcome.record().message());
            }
            List<List<String>> rows = LoghubSamples.structured(system[0]);
            int eventId = rows.get(0).indexOf("EventId");
            List<String> truth = new ArrayList<>();
            for (List<String> row : rows.subList(1, rows.size())) {
                truth.add(row.get(eventId));
            }
            samples.add(new Sample(system[0], contents, truth));
        }
        return samples;
    }

    private static double groupingAccuracy(Sample sample, List<Integer> order) {
        TemplateMiner miner = TemplateMiner.builder().build();
        int[] ids = new int[sample.contents().size()];
        for (int i : order) {
            ids[i] = miner.learn(sample.contents().get(i));
        }
        List<Integer> predicted = new ArrayList<>();
        for (int id : ids) {
            predicted.add(miner.templateId(id));
        }
        return ParsingAccuracy.groupingAccuracy(sample.truth(), predicted);
    }

    @Test
    void groupsLikeTheHumanAnnotationOnEverySample() throws Exception {
        double sum = 0;
        List<Sample> samples = samples();
        for (Sample sample : samples) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < sample.contents().size(); i++) {
                order.add(i);
            }
            double ga = groupingAccuracy(sample, order);
            assertThat(ga).as(sample.system()).isGreaterThanOrEqualTo(0.9);
            sum += ga;
        }
        assertThat(sum / samples.size()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void theGroupingDoesNotDependOnLuckyLineOrder() throws Exception {
        Random random = new Random(7);
        double sum = 0;
        List<Sample> samples = samples();
        for (Sample sample : samples) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < sample.contents().size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            double ga = groupingAccuracy(sample, order);
            assertThat(ga).as(sample.system() + " shuffled").isGreaterThanOrEqualTo(0.9);
            sum += ga;
        }
        assertThat(sum / samples.size()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void savingAndLoadingHalfWayGivesTheSameTemplatesAsOneRun() throws Exception {
        for (Sample sample : samples()) {
            TemplateMiner straight = TemplateMiner.builder().build();
            TemplateMiner interrupted = TemplateMiner.builder().build();
            List<String> contents = sample.contents();
            int half = contents.size() / 2;
            for (int i = 0; i < half; i++) {
                straight.learn(contents.get(i));
                interrupted.learn(contents.get(i));
            }
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            interrupted.save(saved);
            TemplateMiner resumed = TemplateMiner.load(new ByteArrayInputStream(saved.toByteArray()));
            for (int i = half; i < contents.size(); i++) {
                assertThat(resumed.learn(contents.get(i))).as(sample.system() + " line " + (i + 1))
                        .isEqualTo(straight.learn(contents.get(i)));
            }
            assertThat(resumed.templates()).as(sample.system()).isEqualTo(straight.templates());
            TemplateMatcher matcher = resumed.freeze();
            for (String content : contents) {
                assertThat(matcher.match(content)).isEqualTo(straight.match(content));
            }
        }
    }
}
