package dev.anomalyops.rag;

import java.time.Instant;
import java.util.List;

/** Realistic incidents and anomalies for explanation tests. */
public final class Fixtures {
    public static final Instant T0 = Instant.parse("2025-01-03T10:00:00Z");

    private Fixtures() {}

    public static List<Incident> incidents() {
        return List.of(
                Incident.builder("Connection pool exhausted: 50 of 50 connections in use on payments-db", T0)
                        .id("INC-101").service("payments").severity("critical")
                        .rootCause("A slow report query held database connections for minutes.")
                        .resolution("Killed the report query and raised the pool timeout alerts.")
                        .resolvedAt(T0.plusSeconds(45 * 60)).build(),
                Incident.builder("Timeout acquiring connection from pool on payments-db after 30000 ms", T0.plusSeconds(86400 * 9))
                        .id("INC-117").service("payments").severity("high")
                        .rootCause("A slow report query held database connections for minutes.")
                        .resolution("Moved the report to the read replica.")
                        .resolvedAt(T0.plusSeconds(86400 * 9 + 20 * 60)).build(),
                Incident.builder("java.lang.OutOfMemoryError: Java heap space in checkout-service", T0.plusSeconds(86400 * 20))
                        .id("INC-130").service("checkout").severity("critical")
                        .rootCause("A cache without a size limit grew until the heap was full.")
                        .resolution("Bounded the cache to 10000 entries and restarted the pods.")
                        .resolvedAt(T0.plusSeconds(86400 * 20 + 90 * 60)).build(),
                Incident.builder("Disk usage at 97% on /var/lib/kafka on broker-3", T0.plusSeconds(86400 * 30))
                        .id("INC-142").service("kafka").severity("high")
                        .rootCause("Log retention was set to 30 days after a config change.")
                        .resolution("Restored 7-day retention and deleted old segments.")
                        .resolvedAt(T0.plusSeconds(86400 * 30 + 60 * 60)).build(),
                Incident.builder("Failed password for invalid user admin from 173.234.31.186 port 38926 ssh2",
                                T0.plusSeconds(86400 * 40))
                        .id("INC-150").service("bastion").severity("medium")
                        .rootCause("A credential-stuffing bot targeted the bastion host.")
                        .resolution("Blocked the source range and enabled fail2ban.")
                        .build());
    }

    public static AnomalyContext poolAnomaly() {
        return AnomalyContext.builder("Connection pool exhausted: 50 of 50 connections busy on payments-db", 0.97)
                .service("payments").threshold(0.5).detectedAt(T0.plusSeconds(86400 * 60))
                .feature("db_active_connections", 50, 1.42)
                .feature("p99_latency_ms", 2300, 0.88)
                .feature("cpu_user", 0.31, -0.05)
                .build();
    }

    public static AnomalyContext unknownAnomaly() {
        return AnomalyContext.builder("Quantum flux capacitor misaligned in sector 7G", 0.93)
                .service("reactor").threshold(0.5).detectedAt(T0.plusSeconds(86400 * 60))
                .feature("flux_level", 8.2, 2.1)
                .build();
    }

    /** Stores the fixtures in a new in-memory store with the shared embedder. */
    public static IncidentStore store() {
        IncidentStore store = dev.anomalyops.rag.store.EmbeddedIncidentStore.inMemory(384);
        IncidentIngest.ingest(incidents(), TestEmbedder.get(), store, 16);
        return store;
    }
}
