package dev.anomalyops.features.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process HTTP endpoint on loopback that speaks the wire protocols the AWS SDK for Java v2 (2.57.8) uses for
 * CloudWatch, so the exporter is tested through the real SDK: marshalling, signing, pagination and error parsing.
 * CloudWatch cannot run here, so this stands in for it:
 * <ul>
 *   <li>CloudWatch Logs, AWS JSON 1.1: {@code POST /} with {@code X-Amz-Target: Logs_20140328.<Operation>} and a
 *       JSON body; {@code FilterLogEvents} (inclusive {@code endTime}, {@code nextToken} absent on the last page),
 *       {@code GetLogEvents} (exclusive {@code endTime}, {@code nextForwardToken} echoed back unchanged at the end of
 *       the stream), {@code DescribeLogStreams}; errors as HTTP 400 with {@code {"__type": .., "message": ..}}.</li>
 *   <li>CloudWatch, Smithy RPC v2 CBOR (the protocol this SDK version uses for CloudWatch):
 *       {@code POST /service/GraniteServiceVersion20100801/operation/GetMetricData} with a CBOR body,
 *       {@code smithy-protocol: rpc-v2-cbor}; timestamps as CBOR tag 1 (epoch seconds); {@code NextToken}
 *       pagination; errors as a CBOR {@code __type} plus the query-compatible {@code x-amzn-query-error} header.</li>
 * </ul>
 * Shapes follow the service models in the SDK jars and the CloudWatch API reference. Page sizes are small on
 * purpose, and {@link #throttleEvery} makes every n-th request answer a throttling error.
 */
final class CloudWatchEndpoint implements AutoCloseable {
    /** A log event. */
    record Event(String stream, long timestamp, long ingestionTime, String message) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private final HttpServer server;
    final Map<String, List<Event>> logGroups = new ConcurrentHashMap<>();
    /** "namespace|metric|dim=value,..." to time series (epoch ms to value). */
    final Map<String, TreeMap<Long, Double>> series = new ConcurrentHashMap<>();
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final List<String> tokensReceived = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger count = new AtomicInteger();
    volatile int throttleEvery;
    volatile int failAfter = Integer.MAX_VALUE;
    volatile int logPage = 37;
    volatile int metricPage = 150;

    CloudWatchEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    static String key(String namespace, String metric, Map<String, String> dimensions) {
        StringBuilder sb = new StringBuilder(namespace).append('|').append(metric).append('|');
        new TreeMap<>(dimensions).forEach((k, v) -> sb.append(k).append('=').append(v).append(','));
        return sb.toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String path = exchange.getRequestURI().getPath();
        boolean cbor = path.startsWith("/service/");
        String operation = cbor ? path.substring(path.lastIndexOf('/') + 1) : target == null ? "?" : target.substring(target.indexOf('.') + 1);
        int n = count.incrementAndGet();
        requests.add(operation);
        try {
            if (n > failAfter) {
                error(exchange, cbor, 500, "ServiceUnavailableException", "Injected outage");
                return;
            }
            if (throttleEvery > 0 && n % throttleEvery == 0) {
                error(exchange, cbor, 400, cbor ? "Throttling" : "ThrottlingException", "Rate exceeded");
                return;
            }
            if (cbor) {
                JsonNode request = CBOR.readTree(body);
                if (!"rpc-v2-cbor".equals(exchange.getRequestHeaders().getFirst("smithy-protocol"))) {
                    error(exchange, true, 400, "ValidationError", "Missing smithy-protocol header");
                    return;
                }
                if (operation.equals("GetMetricData")) {
                    getMetricData(exchange, request);
                } else {
                    error(exchange, true, 400, "InvalidAction", "Operation " + operation + " is not served here");
                }
                return;
            }
            JsonNode request = JSON.readTree(body);
            switch (operation) {
                case "FilterLogEvents": filterLogEvents(exchange, request); break;
                case "GetLogEvents": getLogEvents(exchange, request); break;
                case "DescribeLogStreams": describeLogStreams(exchange, request); break;
                default: error(exchange, false, 400, "InvalidOperationException", "Operation " + operation + " is not served here");
            }
        } catch (NoSuchGroup e) {
            error(exchange, cbor, 400, "ResourceNotFoundException", "The specified log group does not exist.");
        } catch (RuntimeException e) {
            error(exchange, cbor, 500, "ServiceUnavailableException", String.valueOf(e));
        }
    }

    private int offset(JsonNode request, String field) {
        JsonNode token = request.get(field);
        if (token == null || token.isNull()) {
            return 0;
        }
        tokensReceived.add(token.asText());
        String text = token.asText();
        return Integer.parseInt(text.substring(text.indexOf('/') + 1));
    }

    private List<Event> group(String name) {
        List<Event> events = logGroups.get(name);
        if (events == null) {
            throw new NoSuchGroup();
        }
        return events;
    }

    private void filterLogEvents(HttpExchange exchange, JsonNode request) throws IOException {
        long start = request.path("startTime").asLong(Long.MIN_VALUE);
        long end = request.path("endTime").asLong(Long.MAX_VALUE);
        int limit = Math.min(logPage, request.path("limit").asInt(10_000));
        List<Event> matching = new ArrayList<>();
        for (Event e : group(request.path("logGroupName").asText())) {
            if (e.timestamp() >= start && e.timestamp() <= end) {
                matching.add(e);
            }
        }
        matching.sort((a, b) -> a.timestamp() != b.timestamp() ? Long.compare(a.timestamp(), b.timestamp())
                : a.stream().compareTo(b.stream()));
        int from = offset(request, "nextToken");
        ObjectNode response = JSON.createObjectNode();
        ArrayNode events = response.putArray("events");
        int to = Math.min(matching.size(), from + limit);
        for (int i = from; i < to; i++) {
            Event e = matching.get(i);
            events.addObject().put("logStreamName", e.stream()).put("timestamp", e.timestamp())
                    .put("ingestionTime", e.ingestionTime()).put("message", e.message())
                    .put("eventId", e.stream().hashCode() + "-" + e.timestamp() + "-" + i);
        }
        response.putArray("searchedLogStreams");
        if (to < matching.size()) {
            response.put("nextToken", "f/" + to);
        }
        json(exchange, response);
    }

    private void getLogEvents(HttpExchange exchange, JsonNode request) throws IOException {
        long start = request.path("startTime").asLong(Long.MIN_VALUE);
        long end = request.path("endTime").asLong(Long.MAX_VALUE);
        String stream = request.path("logStreamName").asText();
        int limit = Math.min(logPage, request.path("limit").asInt(10_000));
        List<Event> matching = new ArrayList<>();
        for (Event e : group(request.path("logGroupName").asText())) {
            if (e.stream().equals(stream) && e.timestamp() >= start && e.timestamp() < end) {
                matching.add(e);
            }
        }
        matching.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
        int from = offset(request, "nextToken");
        int to = Math.min(matching.size(), from + limit);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode events = response.putArray("events");
        for (int i = from; i < to; i++) {
            Event e = matching.get(i);
            events.addObject().put("timestamp", e.timestamp()).put("ingestionTime", e.ingestionTime()).put("message", e.message());
        }
        response.put("nextForwardToken", "f/" + to);
        response.put("nextBackwardToken", "b/" + from);
        json(exchange, response);
    }

    private void describeLogStreams(HttpExchange exchange, JsonNode request) throws IOException {
        List<String> streams = group(request.path("logGroupName").asText()).stream().map(Event::stream).distinct().sorted().toList();
        int from = offset(request, "nextToken");
        int to = Math.min(streams.size(), from + 2);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode out = response.putArray("logStreams");
        for (int i = from; i < to; i++) {
            out.addObject().put("logStreamName", streams.get(i)).put("arn", "arn:aws:logs:us-east-1:0:log-group:x:log-stream:" + streams.get(i));
        }
        if (to < streams.size()) {
            response.put("nextToken", "d/" + to);
        }
        json(exchange, response);
    }

    private void getMetricData(HttpExchange exchange, JsonNode request) throws IOException {
        long start = (long) (request.path("StartTime").asDouble() * 1000);
        long end = (long) (request.path("EndTime").asDouble() * 1000);
        int from = offset(request, "NextToken");
        // Flatten every query's points in order; a page holds metricPage points.
        List<String> ids = new ArrayList<>();
        List<List<long[]>> points = new ArrayList<>();
        List<List<Double>> values = new ArrayList<>();
        for (JsonNode q : request.path("MetricDataQueries")) {
            JsonNode metric = q.path("MetricStat").path("Metric");
            Map<String, String> dims = new TreeMap<>();
            for (JsonNode d : metric.path("Dimensions")) {
                dims.put(d.path("Name").asText(), d.path("Value").asText());
            }
            TreeMap<Long, Double> s = series.getOrDefault(key(metric.path("Namespace").asText(),
                    metric.path("MetricName").asText(), dims), new TreeMap<>());
            ids.add(q.path("Id").asText());
            List<long[]> ts = new ArrayList<>();
            List<Double> vs = new ArrayList<>();
            s.subMap(start, true, end, false).forEach((t, v) -> {
                ts.add(new long[] {t});
                vs.add(v);
            });
            points.add(ts);
            values.add(vs);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CBORGenerator g = (CBORGenerator) CBOR.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeFieldName("MetricDataResults");
            g.writeStartArray();
            int skipped = 0;
            int emitted = 0;
            boolean more = false;
            for (int q = 0; q < ids.size(); q++) {
                List<Integer> page = new ArrayList<>();
                for (int i = 0; i < points.get(q).size(); i++) {
                    if (skipped < from) {
                        skipped++;
                    } else if (emitted < metricPage) {
                        page.add(i);
                        emitted++;
                    } else {
                        more = true;
                    }
                }
                g.writeStartObject();
                g.writeStringField("Id", ids.get(q));
                g.writeStringField("Label", ids.get(q));
                g.writeFieldName("Timestamps");
                g.writeStartArray();
                for (int i : page) {
                    g.writeTag(1);
                    g.writeNumber(points.get(q).get(i)[0] / 1000.0);
                }
                g.writeEndArray();
                g.writeFieldName("Values");
                g.writeStartArray();
                for (int i : page) {
                    g.writeNumber(values.get(q).get(i));
                }
                g.writeEndArray();
                g.writeStringField("StatusCode", more ? "PartialData" : "Complete");
                g.writeEndObject();
            }
            g.writeEndArray();
            if (more) {
                g.writeStringField("NextToken", "m/" + (from + emitted));
            }
            g.writeFieldName("Messages");
            g.writeStartArray();
            g.writeEndArray();
            g.writeEndObject();
        }
        send(exchange, 200, "application/cbor", bytes.toByteArray(), true);
    }

    private void json(HttpExchange exchange, JsonNode body) throws IOException {
        send(exchange, 200, "application/x-amz-json-1.1", JSON.writeValueAsBytes(body), false);
    }

    private void error(HttpExchange exchange, boolean cbor, int status, String type, String message) throws IOException {
        if (cbor) {
            exchange.getResponseHeaders().add("x-amzn-query-error", type + ";Sender");
            ObjectNode body = CBOR.createObjectNode().put("__type", type).put("message", message);
            send(exchange, status, "application/cbor", CBOR.writeValueAsBytes(body), true);
        } else {
            exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
            ObjectNode body = JSON.createObjectNode().put("__type", type).put("message", message);
            send(exchange, status, "application/x-amz-json-1.1", JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8), false);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, boolean cbor) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (cbor) {
            exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static final class NoSuchGroup extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    int requestCount() {
        return count.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
