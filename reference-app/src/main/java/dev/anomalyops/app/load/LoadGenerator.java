package dev.anomalyops.app.load;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.util.EventLoopGroups;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a v2 inference endpoint over HTTP/JSON (h2c, on its own event loops) and measures what came back.
 *
 * <ul>
 *   <li>{@link #openLoop}: requests start at a fixed rate whatever the server does (the way real traffic arrives),
 *       and latency is measured from each request's <em>scheduled</em> start, so a server that falls behind shows
 *       it (no coordinated omission). Results are kept per window (e.g. per minute) to see drift.
 *   <li>{@link #closedLoop}: N clients, each with one request in flight: the server's capacity.
 * </ul>
 *
 * <p>Outcomes: {@code ok} (2xx whose body names a {@code model_version}), {@code shed} (429 or 503 with
 * {@code Retry-After}: refused on purpose), {@code timeouts} (no answer within the response timeout) and
 * {@code errors} (everything else; the first few are kept as samples).
 */
public final class LoadGenerator implements AutoCloseable {
    private static final int MAX_SAMPLES = 5;

    private final ClientFactory factory;
    private final WebClient client;
    private final String path;
    private final List<byte[]> bodies;
    private final Duration timeout;

    /**
     * @param base the server, e.g. {@code http://127.0.0.1:8000}
     * @param model the model to infer with ({@code POST /v2/models/{model}/infer})
     * @param bodies request bodies (v2 JSON), used in turn
     * @param timeout response timeout; a request without an answer by then counts as a time-out
     */
    public LoadGenerator(URI base, String model, List<byte[]> bodies, Duration timeout) {
        if (bodies.isEmpty()) {
            throw new IllegalArgumentException("bodies must hold at least one request body");
        }
        this.bodies = List.copyOf(bodies);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.path = "/v2/models/" + model + "/infer";
        this.factory = ClientFactory.builder().workerGroup(EventLoopGroups.newEventLoopGroup(2, "load-client"), true)
                .channelOption(io.netty.channel.ChannelOption.TCP_NODELAY, true).build();
        this.client = WebClient.builder("h2c://" + base.getHost() + ":" + base.getPort()).factory(factory)
                .responseTimeout(timeout).maxResponseLength(64 << 20).build();
    }

    /**
     * The JSON body of a v2 request with rows of FP32 values under the input "input".
     *
     * @param id request id
     * @param rows the rows, all of one width
     * @return the body
     */
    public static byte[] body(String id, float[][] rows) {
        StringBuilder b = new StringBuilder(64 + rows.length * rows[0].length * 8);
        b.append("{\"id\":\"").append(id).append("\",\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[")
                .append(rows.length).append(',').append(rows[0].length).append("],\"data\":[");
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[r].length; c++) {
                if (r > 0 || c > 0) {
                    b.append(',');
                }
                b.append(rows[r][c]);
            }
        }
        return b.append("]}]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One window's figures.
     *
     * @param index window number from 0
     * @param sent requests started in this window
     * @param ok answered 2xx
     * @param shed refused on purpose (429, or 503 with Retry-After)
     * @param timeouts not answered in time
     * @param errors other failures
     * @param p50Ms median latency of the ok requests, milliseconds
     * @param p99Ms 99th percentile latency of the ok requests, milliseconds
     * @param maxMs slowest ok request, milliseconds
     * @param sendP99Ms 99th percentile of the ok requests counted from when they were actually sent (without the load
     *     generator's own lag), milliseconds
     * @param shedP99Ms 99th percentile of the shed answers counted from when they were sent, milliseconds (NaN when
     *     none)
     */
    public record Window(int index, long sent, long ok, long shed, long timeouts, long errors, double p50Ms,
            double p99Ms, double maxMs, double sendP99Ms, double shedP99Ms) {}

    /**
     * The result of a run.
     *
     * @param seconds how long requests were started for
     * @param windows per-window figures
     * @param total the whole run as one window
     * @param errorSamples the first few error messages
     */
    public record Result(double seconds, List<Window> windows, Window total, List<String> errorSamples) {
        /** Copies the lists. */
        public Result {
            windows = List.copyOf(windows);
            errorSamples = List.copyOf(errorSamples);
        }

        /** @return ok requests per second */
        public double okPerSecond() {
            return total.ok() / seconds;
        }
    }

    /**
     * Starts requests at a fixed rate for a while, then waits for the last answers (at most the response timeout).
     *
     * @param ratePerSecond requests started per second
     * @param duration how long to start requests
     * @param window length of a reporting window (e.g. one minute)
     * @return the figures
     * @throws InterruptedException when interrupted
     */
    public Result openLoop(double ratePerSecond, Duration duration, Duration window) throws InterruptedException {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("ratePerSecond must be positive but was " + ratePerSecond);
        }
        long intervalNanos = (long) (1e9 / ratePerSecond);
        long durationNanos = duration.toNanos();
        long windowNanos = window.toNanos();
        int windows = (int) Math.max(1, (durationNanos + windowNanos - 1) / windowNanos);
        Recorder recorder = new Recorder(windows);
        AtomicLong outstanding = new AtomicLong();
        long start = System.nanoTime();
        long i = 0;
        while (true) {
            long scheduled = start + i * intervalNanos;
            if (scheduled - start >= durationNanos) {
                break;
            }
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, 1_000_000));
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            int w = (int) Math.min(windows - 1, (scheduled - start) / windowNanos);
            outstanding.incrementAndGet();
            send(i, scheduled, w, recorder, outstanding::decrementAndGet);
            i++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(2);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return recorder.result(seconds);
    }

    /**
     * Keeps {@code clients} requests in flight for a while: the server's capacity.
     *
     * @param clients concurrent requests
     * @param duration how long
     * @return the figures (one window)
     * @throws InterruptedException when interrupted
     */
    public Result closedLoop(int clients, Duration duration) throws InterruptedException {
        Recorder recorder = new Recorder(1);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CountDownLatch done = new CountDownLatch(clients);
        AtomicLong sequence = new AtomicLong();
        for (int c = 0; c < clients; c++) {
            loop(sequence, end, recorder, done);
        }
        if (!done.await(duration.toMillis() + timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Closed-loop clients did not finish within " + duration.plus(timeout));
        }
        return recorder.result((System.nanoTime() - start) / 1e9);
    }

    private void loop(AtomicLong sequence, long end, Recorder recorder, CountDownLatch done) {
        long now = System.nanoTime();
        if (now >= end) {
            done.countDown();
            return;
        }
        send(sequence.getAndIncrement(), now, 0, recorder, () -> loop(sequence, end, recorder, done));
    }

    private void send(long i, long scheduled, int window, Recorder recorder, Runnable then) {
        byte[] body = bodies.get((int) (i % bodies.size()));
        recorder.sent(window);
        long sentAt = System.nanoTime();
        client.execute(HttpRequest.of(com.linecorp.armeria.common.HttpMethod.POST, path, MediaType.JSON, body))
                .aggregate().whenComplete((response, failure) -> {
                    long now = System.nanoTime();
                    recorder.record(window, now - scheduled, now - sentAt, response, failure);
                    then.run();
                });
    }

    /** Per-window latency logs and counters. */
    private static final class Recorder {
        private final long[] sent;
        private final long[] shed;
        private final long[] timeouts;
        private final long[] errors;
        private final Log[] ok;
        private final Log[] okFromSend;
        private final Log[] shedLatency;
        private final List<String> samples = new ArrayList<>();

        Recorder(int windows) {
            sent = new long[windows];
            shed = new long[windows];
            timeouts = new long[windows];
            errors = new long[windows];
            ok = new Log[windows];
            okFromSend = new Log[windows];
            shedLatency = new Log[windows];
            for (int w = 0; w < windows; w++) {
                ok[w] = new Log();
                okFromSend[w] = new Log();
                shedLatency[w] = new Log();
            }
        }

        synchronized void sent(int window) {
            sent[window]++;
        }

        synchronized void record(int window, long nanos, long fromSend, AggregatedHttpResponse response,
                Throwable failure) {
            if (failure != null) {
                if (failure instanceof com.linecorp.armeria.client.ResponseTimeoutException
                        || failure.getCause() instanceof com.linecorp.armeria.client.ResponseTimeoutException) {
                    timeouts[window]++;
                } else {
                    error(window, failure.toString());
                }
                return;
            }
            int status = response.status().code();
            if (status / 100 == 2 && response.contentUtf8().contains("\"model_version\"")) {
                ok[window].add(nanos);
                okFromSend[window].add(fromSend);
            } else if (status == 429 || (status == 503 && response.headers().contains("retry-after"))) {
                shed[window]++;
                shedLatency[window].add(fromSend);
            } else {
                error(window, "HTTP " + status + ": " + abbreviate(response.contentUtf8()));
            }
        }

        private void error(int window, String message) {
            errors[window]++;
            if (samples.size() < MAX_SAMPLES) {
                samples.add(message);
            }
        }

        private static String abbreviate(String s) {
            return s.length() > 200 ? s.substring(0, 200) + "..." : s;
        }

        synchronized Result result(double seconds) {
            List<Window> windows = new ArrayList<>();
            Log allOk = new Log();
            Log allOkFromSend = new Log();
            Log allShed = new Log();
            long[] totals = new long[4];
            for (int w = 0; w < sent.length; w++) {
                windows.add(window(w, sent[w], ok[w], okFromSend[w], shed[w], timeouts[w], errors[w], shedLatency[w]));
                allOk.addAll(ok[w]);
                allOkFromSend.addAll(okFromSend[w]);
                allShed.addAll(shedLatency[w]);
                totals[0] += sent[w];
                totals[1] += shed[w];
                totals[2] += timeouts[w];
                totals[3] += errors[w];
            }
            Window total = window(-1, totals[0], allOk, allOkFromSend, totals[1], totals[2], totals[3], allShed);
            return new Result(seconds, windows, total, samples);
        }

        private static Window window(int index, long sent, Log ok, Log okFromSend, long shed, long timeouts,
                long errors, Log shedLog) {
            long[] sorted = ok.sorted();
            long[] shedSorted = shedLog.sorted();
            return new Window(index, sent, sorted.length, shed, timeouts, errors, percentile(sorted, 0.50),
                    percentile(sorted, 0.99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
                    percentile(okFromSend.sorted(), 0.99), percentile(shedSorted, 0.99));
        }
    }

    /** A growable array of latencies in nanoseconds. */
    private static final class Log {
        private long[] values = new long[1024];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        void addAll(Log other) {
            for (int i = 0; i < other.size; i++) {
                add(other.values[i]);
            }
        }

        long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }

    /**
     * @param sorted ascending values in nanoseconds
     * @param q quantile in [0, 1]
     * @return the value at that quantile in milliseconds (nearest rank), NaN when empty
     */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }

    /** Closes the client and its event loops. */
    @Override
    public void close() {
        factory.close();
    }
}
