package dev.anomalyops.rag.internal;

/** Dense float vector arithmetic for exact cosine search. */
public final class Vectors {
    private Vectors() {}

    /**
     * @param vector a vector
     * @return a unit-length copy; a zero vector stays zero
     */
    public static float[] normalized(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += (double) v * v;
        }
        float[] out = vector.clone();
        if (norm > 0) {
            float scale = (float) (1.0 / Math.sqrt(norm));
            for (int i = 0; i < out.length; i++) {
                out[i] *= scale;
            }
        }
        return out;
    }

    /**
     * @param vector a vector
     * @return true when every component is finite
     */
    public static boolean isFinite(float[] vector) {
        for (float v : vector) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Dot product of {@code query} with the vector stored at {@code offset} of {@code matrix}.
     *
     * <p>Eight independent accumulators: C2 does not vectorise a single floating-point reduction (it must
     * keep the order of additions), but it pipelines independent ones, which is about four times faster
     * than the naive loop for 384 dimensions.
     *
     * @param matrix row-major vectors
     * @param offset where the row starts
     * @param query the query, {@code query.length} components
     * @return the dot product
     */
    public static float dot(float[] matrix, int offset, float[] query) {
        int n = query.length;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            int o = offset + i;
            s0 += matrix[o] * query[i];
            s1 += matrix[o + 1] * query[i + 1];
            s2 += matrix[o + 2] * query[i + 2];
            s3 += matrix[o + 3] * query[i + 3];
            s4 += matrix[o + 4] * query[i + 4];
            s5 += matrix[o + 5] * query[i + 5];
            s6 += matrix[o + 6] * query[i + 6];
            s7 += matrix[o + 7] * query[i + 7];
        }
        for (; i < n; i++) {
            s0 += matrix[offset + i] * query[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /**
     * @param a a unit vector
     * @param b a unit vector of the same length
     * @return their cosine similarity
     */
    public static float cosine(float[] a, float[] b) {
        return dot(a, 0, b);
    }
}
