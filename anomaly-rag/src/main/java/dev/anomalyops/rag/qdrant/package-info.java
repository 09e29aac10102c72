/**
 * Incidents in a Qdrant collection, through the official Java client ({@code io.qdrant:client}, gRPC):
 * {@link dev.anomalyops.rag.qdrant.QdrantIncidentStore} and its {@link dev.anomalyops.rag.qdrant.QdrantConfig}.
 */
@NullMarked
package dev.anomalyops.rag.qdrant;

import org.jspecify.annotations.NullMarked;
