package dev.anomalyops.rag.qdrant;

import static io.qdrant.client.ConditionFactory.datetimeRange;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;
import static io.qdrant.client.WithPayloadSelectorFactory.enable;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Timestamp;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.rag.EmbeddedIncident;
import dev.anomalyops.rag.Incident;
import dev.anomalyops.rag.IncidentSearch;
import dev.anomalyops.rag.IncidentStore;
import dev.anomalyops.rag.SimilarIncident;
import dev.anomalyops.rag.UpsertResult;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.DatetimeRange;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.UpsertPoints;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incidents in a Qdrant collection, through the official Java client over gRPC.
 *
 * <p>On connect the collection is created when missing (Cosine distance, the configured size, 384 for
 * all-MiniLM-L6-v2) with keyword indexes on {@code service} and {@code content_hash} and a datetime index
 * on {@code occurred_at}; an existing collection with another size or distance is refused with a
 * {@link ConfigurationException}. Point ids are UUIDs derived from the incident's content hash, so upserts
 * are idempotent; the payload holds {@code message}, {@code severity}, {@code service}, {@code root_cause},
 * {@code resolution}, {@code occurred_at}, {@code resolved_at} (RFC 3339), {@code id} and
 * {@code content_hash}. Searches use the query API with {@code score_threshold} and {@code limit} from the
 * {@link IncidentSearch} (0.7 and 5 by default) and payload filters for service and time.
 *
 * <p>Failures are mapped once: {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code RESOURCE_EXHAUSTED},
 * {@code ABORTED} and client-side time-outs to {@link RetriableException}; {@code NOT_FOUND} to
 * {@link NotFoundException}; everything else to {@link NonRetriableException}. Each search's latency is
 * recorded as {@code qdrant_search_latency_ms}.
 *
 * <pre>{@code
 * try (QdrantIncidentStore store = QdrantIncidentStore.connect(
 *         QdrantConfig.builder("qdrant.svc").apiKey(System.getenv("QDRANT_API_KEY")).build(), registry)) {
 *     List<SimilarIncident> similar = store.search(vector, IncidentSearch.defaults());
 * }
 * }</pre>
 *
 * <p>Thread-safe. Keep one per process: the client holds a gRPC channel.
 */
public final class QdrantIncidentStore implements IncidentStore {
    /** The latency metric of searches, in milliseconds. */
    public static final String SEARCH_LATENCY = "qdrant_search_latency_ms";

    private static final Logger LOG = LoggerFactory.getLogger(QdrantIncidentStore.class);

    private final QdrantConfig config;
    private final QdrantClient client;
    private final DistributionSummary searchLatency;

    private QdrantIncidentStore(QdrantConfig config, QdrantClient client, MeterRegistry registry) {
        this.config = config;
        this.client = client;
        this.searchLatency = DistributionSummary.builder(SEARCH_LATENCY)
                .description("Time of one Qdrant similarity query, in milliseconds")
                .baseUnit("ms")
                .tag("collection", config.collection())
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry);
    }

    /**
     * Connects and makes sure the collection exists with the right vector size and distance.
     *
     * @param config where Qdrant is
     * @param registry where to record {@value #SEARCH_LATENCY}
     * @return the store
     * @throws ConfigurationException when the collection exists with another vector size or distance, or is
     *     missing and creation is off
     * @throws RetriableException when Qdrant cannot be reached
     */
    public static QdrantIncidentStore connect(QdrantConfig config, MeterRegistry registry) {
        QdrantGrpcClient.Builder grpc = QdrantGrpcClient.newBuilder(config.host(), config.port(), config.tls(),
                        config.checkCompatibility())
                .withTimeout(config.timeout());
        config.apiKey().ifPresent(grpc::withApiKey);
        QdrantClient client = new QdrantClient(grpc.build());
        QdrantIncidentStore store = new QdrantIncidentStore(config, client, registry);
        try {
            store.ensureCollection();
            return store;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * @param config where Qdrant is
     * @return the store, recording no metrics
     */
    public static QdrantIncidentStore connect(QdrantConfig config) {
        return connect(config, new CompositeMeterRegistry());
    }

    /** @return the configuration */
    public QdrantConfig config() {
        return config;
    }

    private void ensureCollection() {
        String name = config.collection();
        boolean exists = call("check collection \"" + name + "\"", client.collectionExistsAsync(name, config.timeout()));
        if (!exists) {
            if (!config.createCollection()) {
                throw new ConfigurationException("Qdrant collection \"" + name + "\" does not exist and creation is off");
            }
            call("create collection \"" + name + "\"", client.createCollectionAsync(name, VectorParams.newBuilder()
                    .setSize(config.dimension())
                    .setDistance(Distance.Cosine)
                    .build(), config.timeout()));
            index("service", PayloadSchemaType.Keyword);
            index("content_hash", PayloadSchemaType.Keyword);
            index("occurred_at", PayloadSchemaType.Datetime);
            LOG.info("Created Qdrant collection \"{}\" (Cosine, {} dimensions)", name, config.dimension());
            return;
        }
        CollectionInfo info = call("read collection \"" + name + "\"", client.getCollectionInfoAsync(name, config.timeout()));
        var vectors = info.getConfig().getParams().getVectorsConfig();
        if (!vectors.hasParams()) {
            throw new ConfigurationException("Qdrant collection \"" + name + "\" uses named vectors; expected one unnamed"
                    + " vector of " + config.dimension() + " dimensions");
        }
        VectorParams params = vectors.getParams();
        if (params.getSize() != config.dimension() || params.getDistance() != Distance.Cosine) {
            throw new ConfigurationException("Qdrant collection \"" + name + "\" has vectors of " + params.getSize()
                    + " dimensions with " + params.getDistance() + " distance; expected " + config.dimension()
                    + " dimensions with Cosine distance");
        }
    }

    private void index(String field, PayloadSchemaType type) {
        call("index field \"" + field + "\"", client.createPayloadIndexAsync(config.collection(), field, type, null,
                true, null, config.timeout()));
    }

    @Override
    public int dimension() {
        return config.dimension();
    }

    @Override
    public UpsertResult upsert(List<EmbeddedIncident> incidents) {
        Map<String, EmbeddedIncident> unique = new LinkedHashMap<>();
        int duplicates = 0;
        for (EmbeddedIncident e : incidents) {
            if (e.dimension() != config.dimension()) {
                throw new IllegalArgumentException("Incident \"" + e.incident().id() + "\" has " + e.dimension()
                        + " dimensions but the collection holds " + config.dimension());
            }
            if (unique.putIfAbsent(e.incident().contentHash(), e) != null) {
                duplicates++;
            }
        }
        List<String> hashes = new ArrayList<>(unique.keySet());
        int added = 0;
        for (int start = 0; start < hashes.size(); start += config.upsertBatchSize()) {
            List<String> chunk = hashes.subList(start, Math.min(hashes.size(), start + config.upsertBatchSize()));
            Set<String> present = existing(chunk);
            List<PointStruct> points = new ArrayList<>();
            for (String hash : chunk) {
                if (present.contains(hash)) {
                    duplicates++;
                    continue;
                }
                EmbeddedIncident e = unique.get(hash);
                points.add(PointStruct.newBuilder()
                        .setId(pointId(hash))
                        .setVectors(vectors(e.vector()))
                        .putAllPayload(payload(e.incident()))
                        .build());
            }
            if (!points.isEmpty()) {
                call("upsert " + points.size() + " points", client.upsertAsync(UpsertPoints.newBuilder()
                        .setCollectionName(config.collection())
                        .setWait(true)
                        .addAllPoints(points)
                        .build(), config.timeout()));
                added += points.size();
            }
        }
        return new UpsertResult(added, duplicates);
    }

    @Override
    public Set<String> existing(java.util.Collection<String> contentHashes) {
        List<String> all = new ArrayList<>(new java.util.LinkedHashSet<>(contentHashes));
        Set<String> out = new HashSet<>();
        for (int start = 0; start < all.size(); start += config.upsertBatchSize()) {
            out.addAll(existing(all.subList(start, Math.min(all.size(), start + config.upsertBatchSize()))));
        }
        return out;
    }

    private Set<String> existing(List<String> hashes) {
        List<PointId> ids = hashes.stream().map(QdrantIncidentStore::pointId).toList();
        List<RetrievedPoint> found = call("look up " + ids.size() + " points", client.retrieveAsync(config.collection(), ids,
                false, false, null));
        Map<String, String> hashById = new HashMap<>();
        for (String h : hashes) {
            hashById.put(pointId(h).getUuid(), h);
        }
        Set<String> present = new HashSet<>();
        for (RetrievedPoint p : found) {
            String hash = hashById.get(p.getId().getUuid());
            if (hash != null) {
                present.add(hash);
            }
        }
        return present;
    }

    @Override
    public List<SimilarIncident> search(float[] vector, IncidentSearch search) {
        if (vector.length != config.dimension()) {
            throw new IllegalArgumentException("The query vector has " + vector.length + " dimensions but the collection holds "
                    + config.dimension());
        }
        QueryPoints.Builder query = QueryPoints.newBuilder()
                .setCollectionName(config.collection())
                .setQuery(QueryFactory.nearest(vector))
                .setScoreThreshold((float) search.minSimilarity())
                .setLimit(search.limit())
                .setWithPayload(enable(true));
        Filter filter = filter(search);
        if (filter.getMustCount() > 0) {
            query.setFilter(filter);
        }
        long start = System.nanoTime();
        try {
            List<ScoredPoint> points = call("search", client.queryAsync(query.build(), config.timeout()));
            List<SimilarIncident> out = new ArrayList<>(points.size());
            for (ScoredPoint p : points) {
                out.add(new SimilarIncident(incident(p.getPayloadMap()), Math.max(-1f, Math.min(1f, p.getScore()))));
            }
            return out;
        } finally {
            searchLatency.record((System.nanoTime() - start) / 1e6);
        }
    }

    static Filter filter(IncidentSearch search) {
        Filter.Builder filter = Filter.newBuilder();
        search.service().ifPresent(s -> filter.addMust(matchKeyword("service", s)));
        if (search.from().isPresent() || search.until().isPresent()) {
            DatetimeRange.Builder range = DatetimeRange.newBuilder();
            search.from().ifPresent(f -> range.setGte(timestamp(f)));
            search.until().ifPresent(u -> range.setLt(timestamp(u)));
            filter.addMust(datetimeRange("occurred_at", range.build()));
        }
        return filter.build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    @Override
    public Optional<Incident> get(String contentHash) {
        List<RetrievedPoint> found = call("get point", client.retrieveAsync(config.collection(), List.of(pointId(contentHash)),
                true, false, null));
        return found.isEmpty() ? Optional.empty() : Optional.of(incident(found.get(0).getPayloadMap()));
    }

    @Override
    public boolean delete(String contentHash) {
        if (get(contentHash).isEmpty()) {
            return false;
        }
        call("delete point", client.deleteAsync(config.collection(), List.of(pointId(contentHash)), config.timeout()));
        return true;
    }

    @Override
    public long count() {
        return call("count points", client.countAsync(config.collection(), config.timeout()));
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "QdrantIncidentStore[" + config + "]";
    }

    // ----------------------------------------------------------------------------------------------------

    /** A UUID made of the first 128 bits of the content hash: stable, and Qdrant accepts UUIDs as ids. */
    static PointId pointId(String contentHash) {
        long high = Long.parseUnsignedLong(contentHash.substring(0, 16), 16);
        long low = Long.parseUnsignedLong(contentHash.substring(16, 32), 16);
        return id(new UUID(high, low));
    }

    static Map<String, Value> payload(Incident incident) {
        Map<String, Value> payload = new LinkedHashMap<>();
        payload.put("id", value(incident.id()));
        payload.put("message", value(incident.message()));
        if (incident.service() != null) {
            payload.put("service", value(incident.service()));
        }
        payload.put("severity", value(incident.severity()));
        if (incident.rootCause() != null) {
            payload.put("root_cause", value(incident.rootCause()));
        }
        if (incident.resolution() != null) {
            payload.put("resolution", value(incident.resolution()));
        }
        payload.put("occurred_at", value(incident.occurredAt().toString()));
        if (incident.resolvedAt() != null) {
            payload.put("resolved_at", value(incident.resolvedAt().toString()));
        }
        payload.put("content_hash", value(incident.contentHash()));
        return payload;
    }

    static Incident incident(Map<String, Value> payload) {
        String message = text(payload, "message");
        String occurred = text(payload, "occurred_at");
        if (message == null || occurred == null) {
            throw new NonRetriableException("A point in the Qdrant collection lacks \"message\" or \"occurred_at\" in its"
                    + " payload; it was not written by AnomalyOps");
        }
        String resolved = text(payload, "resolved_at");
        String severity = text(payload, "severity");
        String id = text(payload, "id");
        return new Incident(id == null ? "" : id, message, text(payload, "service"), severity == null ? "unknown" : severity,
                text(payload, "root_cause"), text(payload, "resolution"), Instant.parse(occurred),
                resolved == null ? null : Instant.parse(resolved));
    }

    private static @Nullable String text(Map<String, Value> payload, String key) {
        Value v = payload.get(key);
        return v == null || !v.hasStringValue() ? null : v.getStringValue();
    }

    private <T> T call(String what, ListenableFuture<T> future) {
        try {
            // The client's deadline applies too; this bound also covers calls the client does not time.
            return future.get(config.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new RetriableException("Interrupted while waiting for Qdrant to " + what);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RetriableException("Qdrant did not " + what + " within " + config.timeout() + " (" + config.host()
                    + ":" + config.port() + ")", e);
        } catch (ExecutionException e) {
            throw map(what, e.getCause() == null ? e : e.getCause());
        }
    }

    private RuntimeException map(String what, Throwable cause) {
        Status status = cause instanceof StatusRuntimeException s ? s.getStatus() : Status.fromThrowable(cause);
        String message = "Qdrant failed to " + what + " in collection \"" + config.collection() + "\" at " + config.host()
                + ":" + config.port() + ": " + status.getCode()
                + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")");
        switch (status.getCode()) {
            case UNAVAILABLE:
            case DEADLINE_EXCEEDED:
            case RESOURCE_EXHAUSTED:
            case ABORTED:
                return new RetriableException(message, cause);
            case NOT_FOUND:
                NotFoundException notFound = new NotFoundException(message);
                notFound.initCause(cause);
                return notFound;
            default:
                return new NonRetriableException(message, cause);
        }
    }
}
