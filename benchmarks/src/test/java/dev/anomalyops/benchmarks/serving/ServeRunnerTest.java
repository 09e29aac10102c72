package dev.anomalyops.benchmarks.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.benchmarks.Bench;
import org.junit.jupiter.api.Test;

/**
 * {@code ./bench serve} end to end, parsed as the launcher parses it: the reference server with the benchmark model,
 * driven over loopback by unary gRPC calls spread over two connections, by gRPC streams, and by HTTP/JSON with
 * 4-row requests, scoring on the server's pool and on its event loops. Checks the figures' keys and that every request was answered, not the speed.
 */
class ServeRunnerTest {
    private static ObjectNode run(String... args) throws Exception {
        ServeRunner runner = (ServeRunner) Bench.commandLine().parseArgs(args).subcommand().commandSpec().userObject();
        return runner.call();
    }

    @Test
    void everyTransportAnswersEveryRequest() throws Exception {
        for (String[] config : new String[][] {{"grpc", "1", "pool"}, {"grpc-stream", "1", "pool"},
                {"grpc-stream", "1", "loops"}, {"http", "4", "loops"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("serve", "--transport", config[0],
                    "--clients", "3", "--connections", "2", "--batch", config[1], "--seconds", "0.5", "--warmup", "0.5"));
            if (config[2].equals("loops")) {
                args.add("--score-on-event-loops");
            }
            ObjectNode figures = run(args.toArray(String[]::new));
            assertThat(figures.get("score_on_event_loops").asBoolean()).isEqualTo(config[2].equals("loops"));
            assertThat(figures.get("transport").asText()).isEqualTo(config[0]);
            assertThat(figures.get("errors").asLong()).as(config[0]).isZero();
            assertThat(figures.get("connections").asInt()).isEqualTo(2);
            double requests = figures.get("requests_per_second").asDouble();
            assertThat(requests).as(config[0]).isPositive();
            assertThat(figures.get("predictions_per_second").asDouble())
                    .isCloseTo(requests * Integer.parseInt(config[1]), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(figures.get("p50_ms").asDouble()).isPositive()
                    .isLessThanOrEqualTo(figures.get("p99_ms").asDouble());
        }
    }
}
