package dev.anomalyops.rag.qdrant;

import com.google.protobuf.Timestamp;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Collections.CollectionConfig;
import io.qdrant.client.grpc.Collections.CollectionExists;
import io.qdrant.client.grpc.Collections.CollectionExistsRequest;
import io.qdrant.client.grpc.Collections.CollectionExistsResponse;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CollectionOperationResponse;
import io.qdrant.client.grpc.Collections.CollectionParams;
import io.qdrant.client.grpc.Collections.CollectionStatus;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.GetCollectionInfoRequest;
import io.qdrant.client.grpc.Collections.GetCollectionInfoResponse;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.DatetimeRange;
import io.qdrant.client.grpc.Common.FieldCondition;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.CountPoints;
import io.qdrant.client.grpc.Points.CountResponse;
import io.qdrant.client.grpc.Points.CountResult;
import io.qdrant.client.grpc.Points.CreateFieldIndexCollection;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.GetPoints;
import io.qdrant.client.grpc.Points.GetResponse;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsOperationResponse;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.QueryResponse;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.UpdateResult;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.PointsGrpc;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A protocol-faithful stand-in for a Qdrant server (no real Qdrant can run here): a gRPC server in the test
 * JVM on a loopback port, built from the Qdrant Java client's own generated service stubs
 * ({@code QdrantGrpc.QdrantImplBase}, {@code CollectionsGrpc.CollectionsImplBase},
 * {@code PointsGrpc.PointsImplBase}), so requests and answers are the real protobuf messages on the real
 * transport.
 *
 * <p>It implements the calls {@link QdrantIncidentStore} uses, with Qdrant's semantics as documented in
 * {@code qdrant/lib/api/src/grpc/proto}: health check; collection exists/create/get (Cosine or Dot
 * distance, vector size checked on upsert with Qdrant's "Vector dimension error" message); payload index
 * creation (recorded); upsert (vectors normalised on insert for Cosine, as Qdrant does); get by ids; delete
 * by ids; exact count; query with a dense {@code nearest} vector, {@code score_threshold} (score ≥
 * threshold), {@code limit} (default 10), {@code with_payload}, and filters of {@code must} conditions on
 * keyword match and datetime range. Every other call answers {@code UNIMPLEMENTED}, as the stub's default
 * does. It can require an {@code api-key} header and can be told to fail the next calls with a status.
 */
final class FakeQdrantServer implements AutoCloseable {
    record Point(float[] vector, Map<String, Value> payload) {}

    static final class Collection {
        final VectorParams params;
        final Map<String, Point> points = new ConcurrentHashMap<>();
        final List<String> indexedFields = new CopyOnWriteArrayList<>();

        Collection(VectorParams params) {
            this.params = params;
        }
    }

    final Map<String, Collection> collections = new ConcurrentHashMap<>();
    final AtomicLong queries = new AtomicLong();
    final AtomicReference<QueryPoints> lastQuery = new AtomicReference<>();
    private final AtomicReference<Status> failNext = new AtomicReference<>();
    private final AtomicLong failCount = new AtomicLong();
    private volatile String requiredApiKey;
    private final Server server;

    FakeQdrantServer() throws IOException {
        ServerInterceptor guard = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                String key = headers.get(Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER));
                if (requiredApiKey != null && !requiredApiKey.equals(key)) {
                    call.close(Status.UNAUTHENTICATED.withDescription("Must provide an API key or an Authorization bearer token"),
                            new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                Status failure = failNext.get();
                if (failure != null && !call.getMethodDescriptor().getFullMethodName().endsWith("HealthCheck")) {
                    if (failCount.decrementAndGet() <= 0) {
                        failNext.set(null);
                    }
                    call.close(failure, new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new Health(), guard))
                .addService(ServerInterceptors.intercept(new Collections(), guard))
                .addService(ServerInterceptors.intercept(new Points(), guard))
                .build()
                .start();
    }

    int port() {
        return server.getPort();
    }

    void requireApiKey(String key) {
        this.requiredApiKey = key;
    }

    void failNextCalls(Status status, int times) {
        failCount.set(times);
        failNext.set(status);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Health extends QdrantGrpc.QdrantImplBase {
        @Override
        public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckReply> out) {
            out.onNext(HealthCheckReply.newBuilder().setTitle("qdrant - vector search engine").setVersion("1.16.0").build());
            out.onCompleted();
        }
    }

    private final class Collections extends CollectionsGrpc.CollectionsImplBase {
        @Override
        public void collectionExists(CollectionExistsRequest request, StreamObserver<CollectionExistsResponse> out) {
            out.onNext(CollectionExistsResponse.newBuilder()
                    .setResult(CollectionExists.newBuilder().setExists(collections.containsKey(request.getCollectionName())))
                    .build());
            out.onCompleted();
        }

        @Override
        public void create(CreateCollection request, StreamObserver<CollectionOperationResponse> out) {
            if (!request.getVectorsConfig().hasParams()) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("Wrong input: vectors config is required").asException());
                return;
            }
            VectorParams params = request.getVectorsConfig().getParams();
            if (params.getSize() == 0 || params.getDistance() == Distance.UnknownDistance) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("Wrong input: size and distance are required").asException());
                return;
            }
            if (collections.putIfAbsent(request.getCollectionName(), new Collection(params)) != null) {
                out.onError(Status.ALREADY_EXISTS.withDescription("Wrong input: Collection `" + request.getCollectionName()
                        + "` already exists!").asException());
                return;
            }
            out.onNext(CollectionOperationResponse.newBuilder().setResult(true).setTime(0.001).build());
            out.onCompleted();
        }

        @Override
        public void get(GetCollectionInfoRequest request, StreamObserver<GetCollectionInfoResponse> out) {
            Collection c = collections.get(request.getCollectionName());
            if (c == null) {
                out.onError(notFound(request.getCollectionName()));
                return;
            }
            out.onNext(GetCollectionInfoResponse.newBuilder().setResult(CollectionInfo.newBuilder()
                    .setStatus(CollectionStatus.Green)
                    .setPointsCount(c.points.size())
                    .setConfig(CollectionConfig.newBuilder().setParams(CollectionParams.newBuilder()
                            .setVectorsConfig(VectorsConfig.newBuilder().setParams(c.params)))))
                    .build());
            out.onCompleted();
        }
    }

    private static io.grpc.StatusException notFound(String name) {
        return Status.NOT_FOUND.withDescription("Not found: Collection `" + name + "` doesn't exist!").asException();
    }

    private final class Points extends PointsGrpc.PointsImplBase {
        @Override
        public void createFieldIndex(CreateFieldIndexCollection request, StreamObserver<PointsOperationResponse> out) {
            Collection c = collections.get(request.getCollectionName());
            if (c == null) {
                out.onError(notFound(request.getCollectionName()));
                return;
            }
            c.indexedFields.add(request.getFieldName() + ":" + request.getFieldType());
            out.onNext(completed());
            out.onCompleted();
        }

        @Override
        public void upsert(UpsertPoints request, StreamObserver<PointsOperationResponse> out) {
            Collection c = collections.get(request.getCollectionName());
            if (c == null) {
                out.onError(notFound(request.getCollectionName()));
                return;
            }
            List<Map.Entry<String, Point>> staged = new ArrayList<>();
            for (PointStruct p : request.getPointsList()) {
                String id = key(p.getId());
                if (id == null) {
                    out.onError(Status.INVALID_ARGUMENT.withDescription("Wrong input: point id is required").asException());
                    return;
                }
                float[] vector = dense(p.getVectors().getVector());
                if (vector.length != c.params.getSize()) {
                    out.onError(Status.INVALID_ARGUMENT.withDescription("Wrong input: Vector dimension error: expected dim: "
                            + c.params.getSize() + ", got " + vector.length).asException());
                    return;
                }
                if (c.params.getDistance() == Distance.Cosine) {
                    vector = normalize(vector);
                }
                staged.add(Map.entry(id, new Point(vector, Map.copyOf(p.getPayloadMap()))));
            }
            staged.forEach(e -> c.points.put(e.getKey(), e.getValue()));
            out.onNext(completed());
            out.onCompleted();
        }

        @Override
        public void get(GetPoints request, StreamObserver<GetResponse> out) {
            Collection c = collections.get(request.getCollectionName());
            if (c == null) {
                out.onError(notFound(request.getCollectionName()));
                return;
            }
            boolean withPayload = request.hasWithPayload() && request.getWithPayload().getEnable();
            GetResponse.Builder response = GetResponse.newBuilder();
            for (PointId id : request.getIdsList()) {
                Point p = c.points.get(key(id));
                if (p != null) {
                    RetrievedPoint.Builder r = RetrievedPoint.newBuilder().setId(id);
                    if (withPayload) {
                        r.putAllPayload(p.payload());
                    }
                    response.addResult(r);
                }
            }
            out.onNext(response.build());
            out.onCompleted();
        }

        @Override
        public void delete(DeletePoints request, StreamObserver<PointsOperationResponse> out) {
            Collection c = collections.get(request.getCollectionName());
            if (c == null) {
                out.onError(notFound(request.getCollectionName()));
                return;
            }
            if (!request.getPoints().hasPoints()) {
                out.onError(Status.UNIMPLEMENTED.withDescription("fake Qdrant deletes by ids only").asException());
                return;
            }
            request.getPoints().getPoints().getIdsList().forEach(id -> c.points.remove(key(id)));
            out.onNext(completed());
            out.onCompleted();
        }

        @Override
        public void count(CountPoints request, StreamObserver<CountResponse> out) {
            Collection c = collections.get(request.getCollectionName());
            if (c == null) {
                out.onError(notFound(request.getCollectionName()));
                return;
            }
            long n = c.points.values().stream().filter(p -> !request.hasFilter() || matches(request.getFilter(), p.payload())).count();
            out.onNext(CountResponse.newBuilder().setResult(CountResult.newBuilder().setCount(n)).build());
            out.onCompleted();
        }

        @Override
        public void query(QueryPoints request, StreamObserver<QueryResponse> out) {
            queries.incrementAndGet();
            lastQuery.set(request);
            Collection c = collections.get(request.getCollectionName());
            if (c == null) {
                out.onError(notFound(request.getCollectionName()));
                return;
            }
            if (!request.getQuery().hasNearest() || !request.getQuery().getNearest().hasDense()) {
                out.onError(Status.UNIMPLEMENTED.withDescription("fake Qdrant answers dense nearest queries only").asException());
                return;
            }
            float[] query = toArray(request.getQuery().getNearest().getDense().getDataList());
            if (query.length != c.params.getSize()) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("Wrong input: Vector dimension error: expected dim: "
                        + c.params.getSize() + ", got " + query.length).asException());
                return;
            }
            if (c.params.getDistance() == Distance.Cosine) {
                query = normalize(query);
            }
            long limit = request.hasLimit() ? request.getLimit() : 10;
            List<ScoredPoint> hits = new ArrayList<>();
            try {
                for (Map.Entry<String, Point> e : c.points.entrySet()) {
                    if (request.hasFilter() && !matches(request.getFilter(), e.getValue().payload())) {
                        continue;
                    }
                    float score = dot(query, e.getValue().vector());
                    if (request.hasScoreThreshold() && score < request.getScoreThreshold()) {
                        continue;
                    }
                    ScoredPoint.Builder hit = ScoredPoint.newBuilder()
                            .setId(PointId.newBuilder().setUuid(e.getKey()))
                            .setScore(score);
                    if (request.hasWithPayload() && request.getWithPayload().getEnable()) {
                        hit.putAllPayload(e.getValue().payload());
                    }
                    hits.add(hit.build());
                }
            } catch (IllegalArgumentException bad) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("Wrong input: " + bad.getMessage()).asException());
                return;
            }
            hits.sort(Comparator.comparingDouble((ScoredPoint p) -> -p.getScore()));
            out.onNext(QueryResponse.newBuilder().addAllResult(hits.subList(0, (int) Math.min(limit, hits.size())))
                    .setTime(0.001).build());
            out.onCompleted();
        }
    }

    private static PointsOperationResponse completed() {
        return PointsOperationResponse.newBuilder()
                .setResult(UpdateResult.newBuilder().setOperationId(1).setStatus(UpdateStatus.Completed))
                .setTime(0.001)
                .build();
    }

    private static String key(PointId id) {
        switch (id.getPointIdOptionsCase()) {
            case NUM:
                return Long.toUnsignedString(id.getNum());
            case UUID:
                return id.getUuid();
            default:
                return null;
        }
    }

    /** Qdrant reads the new {@code dense} field and, from older clients, the deprecated {@code data} field. */
    private static float[] dense(Vector v) {
        return v.hasDense() ? toArray(v.getDense().getDataList()) : toArray(v.getDataList());
    }

    private static float[] toArray(List<Float> list) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    private static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float[] out = v.clone();
        if (norm > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= (float) Math.sqrt(norm);
            }
        }
        return out;
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static boolean matches(Filter filter, Map<String, Value> payload) {
        for (Condition c : filter.getMustList()) {
            if (!matches(c, payload)) {
                return false;
            }
        }
        for (Condition c : filter.getMustNotList()) {
            if (matches(c, payload)) {
                return false;
            }
        }
        if (filter.getShouldCount() > 0 && filter.getShouldList().stream().noneMatch(c -> matches(c, payload))) {
            return false;
        }
        return true;
    }

    private static boolean matches(Condition c, Map<String, Value> payload) {
        if (c.hasFilter()) {
            return matches(c.getFilter(), payload);
        }
        if (!c.hasField()) {
            throw new IllegalArgumentException("fake Qdrant supports field conditions only");
        }
        FieldCondition f = c.getField();
        Value v = payload.get(f.getKey());
        if (f.hasMatch()) {
            if (f.getMatch().getMatchValueCase() != io.qdrant.client.grpc.Common.Match.MatchValueCase.KEYWORD) {
                throw new IllegalArgumentException("fake Qdrant matches keywords only");
            }
            return v != null && v.hasStringValue() && v.getStringValue().equals(f.getMatch().getKeyword());
        }
        if (f.hasDatetimeRange()) {
            if (v == null || !v.hasStringValue()) {
                return false;
            }
            Instant t = Instant.parse(v.getStringValue());
            DatetimeRange r = f.getDatetimeRange();
            return (!r.hasGte() || !t.isBefore(instant(r.getGte())))
                    && (!r.hasGt() || t.isAfter(instant(r.getGt())))
                    && (!r.hasLt() || t.isBefore(instant(r.getLt())))
                    && (!r.hasLte() || !t.isAfter(instant(r.getLte())));
        }
        throw new IllegalArgumentException("fake Qdrant supports match and datetime_range conditions only");
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
