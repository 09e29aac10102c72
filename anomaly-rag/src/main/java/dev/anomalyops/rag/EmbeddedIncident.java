package dev.anomalyops.rag;

import java.util.Objects;

/**
 * An incident with the embedding of its message, ready to store. A final class rather than a record
 * because it holds an array: the vector is copied in and out, never shared.
 */
public final class EmbeddedIncident {
    private final Incident incident;
    private final float[] vector;

    /**
     * @param incident the incident
     * @param vector the embedding of its message (copied)
     */
    public EmbeddedIncident(Incident incident, float[] vector) {
        this.incident = Objects.requireNonNull(incident, "incident");
        this.vector = Objects.requireNonNull(vector, "vector").clone();
        if (vector.length == 0) {
            throw new IllegalArgumentException("Incident \"" + incident.id() + "\" has an empty vector");
        }
        for (float v : vector) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("Incident \"" + incident.id() + "\" has a non-finite vector component");
            }
        }
    }

    /** @return the incident */
    public Incident incident() {
        return incident;
    }

    /** @return a copy of the vector */
    public float[] vector() {
        return vector.clone();
    }

    /** @return the vector's length */
    public int dimension() {
        return vector.length;
    }

    @Override
    public String toString() {
        return "EmbeddedIncident[" + incident.id() + ", " + vector.length + " dimensions]";
    }
}
