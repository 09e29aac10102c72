package dev.anomalyops.drift.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.anomalyops.drift.alertmanager.AlertmanagerWebhook;
import dev.anomalyops.drift.alertmanager.WebhookResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stands in for the reference inference server until it exists (issue 7, Armeria): serves {@code GET /metrics}
 * from a Micrometer Prometheus registry and routes {@code POST /alertmanager/webhook} to the
 * {@link AlertmanagerWebhook} handler, on loopback, with the JDK's HTTP server. The reference server wires the same
 * two things to its routes.
 */
final class MetricsServer implements AutoCloseable {
    /** The classic Prometheus text format that Micrometer's {@code scrape()} writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    MetricsServer(PrometheusMeterRegistry registry, AlertmanagerWebhook webhook) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
            send(exchange, 200, body);
        });
        server.createContext("/alertmanager/webhook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            WebhookResponse response = webhook.handle(exchange.getRequestMethod(), exchange.getRequestHeaders(), body);
            for (Map.Entry<String, String> header : response.headers().entrySet()) {
                exchange.getResponseHeaders().add(header.getKey(), header.getValue());
            }
            send(exchange, response.status(), response.body());
        });
        server.setExecutor(executor);
        server.start();
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
