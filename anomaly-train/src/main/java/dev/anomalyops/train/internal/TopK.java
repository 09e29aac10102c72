package dev.anomalyops.train.internal;

import java.util.Arrays;

/** Keeps the {@code k} largest doubles seen, in a primitive min-heap. Not thread-safe. */
public final class TopK {
    private final double[] heap;
    private int size;

    /** @param k how many to keep, at least 1 */
    public TopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1 but was " + k);
        }
        this.heap = new double[k];
    }

    /** @param value a value to consider */
    public void add(double value) {
        if (size < heap.length) {
            int i = size++;
            heap[i] = value;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= heap[i]) {
                    break;
                }
                swap(i, parent);
                i = parent;
            }
        } else if (value > heap[0]) {
            heap[0] = value;
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                if (l >= size) {
                    break;
                }
                int smallest = l + 1 < size && heap[l + 1] < heap[l] ? l + 1 : l;
                if (heap[i] <= heap[smallest]) {
                    break;
                }
                swap(i, smallest);
                i = smallest;
            }
        }
    }

    /** @return the kept values, largest first */
    public double[] descending() {
        double[] sorted = Arrays.copyOf(heap, size);
        Arrays.sort(sorted);
        for (int i = 0, j = sorted.length - 1; i < j; i++, j--) {
            double t = sorted[i];
            sorted[i] = sorted[j];
            sorted[j] = t;
        }
        return sorted;
    }

    private void swap(int a, int b) {
        double t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }
}
