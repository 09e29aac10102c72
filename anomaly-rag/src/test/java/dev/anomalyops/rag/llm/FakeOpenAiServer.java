package dev.anomalyops.rag.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A stand-in for a vLLM server (none can run here): an HTTP/1.1 server in the test JVM on loopback
 * (the JDK's {@code com.sun.net.httpserver}) that speaks the OpenAI-compatible protocol as vLLM does, per
 * vLLM's {@code protocol.py} and {@code openai_compatible_server.md}: {@code POST /v1/chat/completions} and
 * {@code /v1/completions} with whole JSON answers or server-sent events ({@code data: {chunk}}, blank line,
 * {@code data: [DONE]}; first chat chunk carries the role, a usage chunk with empty choices when
 * {@code stream_options.include_usage} is set), {@code GET /v1/models}, and error bodies in vLLM's shape
 * ({@code {"error": {"message", "type", "param", "code"}}}, {@code code} an integer).
 *
 * <p>Like uvicorn, it cannot serve an HTTP/2 upgrade: a request carrying {@code Upgrade: h2c} has its body
 * dropped and is answered 400 "Field required", vLLM's answer to a missing body.
 *
 * <p>Answers are scripted: each request takes the next {@link Reply} from the queue (the default reply
 * echoes a fixed answer). Every request is recorded.
 */
final class FakeOpenAiServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, String path, Map<String, List<String>> headers, JsonNode body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** One scripted answer. */
    record Reply(int status, String contentType, List<String> parts, long delayBeforeMillis, long delayBetweenMillis,
            Map<String, String> headers) {
        static Reply json(int status, String body) {
            return new Reply(status, "application/json", List.of(body), 0, 0, Map.of());
        }

        static Reply sse(List<String> events, long delayBetweenMillis) {
            List<String> parts = new ArrayList<>();
            for (String e : events) {
                parts.add(e.startsWith(":") ? e + "\n\n" : "data: " + e + "\n\n");
            }
            return new Reply(200, "text/event-stream", parts, 0, delayBetweenMillis, Map.of());
        }

        Reply delayed(long millis) {
            return new Reply(status, contentType, parts, millis, delayBetweenMillis, headers);
        }

        Reply withHeader(String name, String value) {
            return new Reply(status, contentType, parts, delayBeforeMillis, delayBetweenMillis, Map.of(name, value));
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final HttpServer server;

    FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-vllm");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    void enqueue(Reply... scripted) {
        replies.addAll(List.of(scripted));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String upgrade = exchange.getRequestHeaders().getFirst("Upgrade");
            JsonNode body = JSON.createObjectNode();
            if (raw.length > 0 && (upgrade == null || !upgrade.toLowerCase().contains("h2c"))) {
                try {
                    body = JSON.readTree(raw);
                } catch (IOException e) {
                    send(exchange, Reply.json(400, error("Invalid JSON body", "BadRequestError", 400)));
                    return;
                }
            }
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            requests.add(request);
            if (upgrade != null && upgrade.toLowerCase().contains("h2c")) {
                send(exchange, Reply.json(400, "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\"}]}"));
                return;
            }
            if (request.method().equals("GET") && request.path().equals("/v1/models")) {
                send(exchange, Reply.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"test-model\",\"object\":\"model\","
                        + "\"owned_by\":\"vllm\",\"max_model_len\":4096}]}"));
                return;
            }
            if (!request.method().equals("POST")
                    || !(request.path().equals("/v1/chat/completions") || request.path().equals("/v1/completions"))) {
                send(exchange, Reply.json(404, error("Not Found", "NotFoundError", 404)));
                return;
            }
            Reply reply = replies.poll();
            if (reply == null) {
                reply = request.path().endsWith("chat/completions") ? Reply.json(200, chat("Default answer.", "stop", 10))
                        : Reply.json(200, completion("Default answer.", "stop", 10));
            }
            send(exchange, reply);
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        sleep(reply.delayBeforeMillis());
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        boolean streaming = reply.contentType().equals("text/event-stream");
        if (!streaming) {
            byte[] bytes = String.join("", reply.parts()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            return;
        }
        exchange.sendResponseHeaders(reply.status(), 0); // chunked
        OutputStream out = exchange.getResponseBody();
        for (String part : reply.parts()) {
            out.write(part.getBytes(StandardCharsets.UTF_8));
            out.flush();
            sleep(reply.delayBetweenMillis());
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String error(String message, String type, int code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message).put("type", type).putNull("param");
        error.put("code", code);
        return root.toString();
    }

    static String chat(String content, String finish, int completionTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1735689600).put("model", "test-model");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content);
        choice.putNull("logprobs");
        choice.put("finish_reason", finish).putNull("stop_reason");
        root.putObject("usage").put("prompt_tokens", 42).put("completion_tokens", completionTokens)
                .put("total_tokens", 42 + completionTokens);
        return root.toString();
    }

    static String completion(String text, String finish, int completionTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "cmpl-1").put("object", "text_completion").put("created", 1735689600).put("model", "test-model");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0).put("text", text).putNull("logprobs").put("finish_reason", finish).putNull("stop_reason");
        root.putObject("usage").put("prompt_tokens", 5).put("completion_tokens", completionTokens)
                .put("total_tokens", 5 + completionTokens);
        return root.toString();
    }

    /** The chunks vLLM streams for a chat answer split into pieces, with a final usage chunk. */
    static List<String> chatStream(List<String> pieces, int completionTokens) {
        List<String> events = new ArrayList<>();
        events.add(chatChunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
        for (String p : pieces) {
            events.add(chatChunk("{\"content\":" + JSON.valueToTree(p) + "}", null));
        }
        events.add(chatChunk("{\"content\":\"\"}", "stop"));
        events.add("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"test-model\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (30 + completionTokens) + "}}");
        events.add("[DONE]");
        return events;
    }

    static String chatChunk(String delta, String finish) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"test-model\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    static List<String> completionStream(List<String> pieces) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            events.add("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"test-model\","
                    + "\"choices\":[{\"index\":0,\"text\":" + JSON.valueToTree(pieces.get(i)) + ",\"logprobs\":null,"
                    + "\"finish_reason\":" + (i == pieces.size() - 1 ? "\"stop\"" : "null") + "}]}");
        }
        events.add("[DONE]");
        return events;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
