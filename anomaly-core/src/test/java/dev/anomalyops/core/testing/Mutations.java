package dev.anomalyops.core.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Mutation-based fuzz inputs: valid seed inputs with a few random byte-level edits, the way coverage-blind
 * fuzzers (radamsa, AFL's havoc stage) find parser bugs. Each edit is one of: flip a bit, set a byte to an
 * interesting value (0, 0x7f, 0x80, 0xff), overwrite four bytes with an interesting 32-bit integer (-1,
 * {@code Integer.MAX_VALUE}, 2^30, ...), insert random bytes, delete a range, duplicate a range, or truncate.
 */
public final class Mutations {
    private static final int[] INTERESTING_INTS = {0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 1 << 30,
        Integer.MAX_VALUE, Integer.MIN_VALUE, 0x3fffffff, 1_000_000_000};
    private static final byte[] INTERESTING_BYTES = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, '"', '{', '[', '\\', '\n'};

    private Mutations() {}

    /**
     * @param seeds valid inputs to start from
     * @param maxEdits most edits applied to one input
     * @return mutated copies of the seeds (the seeds themselves appear too, with zero edits)
     */
    public static Arbitrary<byte[]> of(List<byte[]> seeds, int maxEdits) {
        return Arbitraries.integers().between(0, seeds.size() - 1)
                .flatMap(index -> Arbitraries.longs().map(seed -> mutate(seeds.get(index), seed, maxEdits)));
    }

    /**
     * @param input the input (not changed)
     * @param seed random seed
     * @param maxEdits most edits
     * @return a mutated copy
     */
    public static byte[] mutate(byte[] input, long seed, int maxEdits) {
        Random random = new Random(seed);
        byte[] out = input.clone();
        int edits = random.nextInt(maxEdits + 1);
        for (int e = 0; e < edits; e++) {
            out = edit(out, random);
        }
        return out;
    }

    private static byte[] edit(byte[] in, Random random) {
        int n = in.length;
        int kind = random.nextInt(8);
        if (n == 0) {
            kind = 4;
        }
        int at = n == 0 ? 0 : random.nextInt(n);
        switch (kind) {
            case 0 -> {
                byte[] out = in.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1 -> {
                byte[] out = in.clone();
                out[at] = INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
                return out;
            }
            case 2, 3 -> {
                byte[] out = in.clone();
                int value = INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
                boolean little = kind == 2;
                for (int i = 0; i < 4 && at + i < n; i++) {
                    int shift = little ? 8 * i : 8 * (3 - i);
                    out[at + i] = (byte) (value >>> shift);
                }
                return out;
            }
            case 4 -> {
                byte[] extra = new byte[1 + random.nextInt(16)];
                random.nextBytes(extra);
                byte[] out = new byte[n + extra.length];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(extra, 0, out, at, extra.length);
                System.arraycopy(in, at, out, at + extra.length, n - at);
                return out;
            }
            case 5 -> {
                int length = Math.min(n - at, 1 + random.nextInt(32));
                byte[] out = new byte[n - length];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(in, at + length, out, at, n - at - length);
                return out;
            }
            case 6 -> {
                int length = Math.min(n - at, 1 + random.nextInt(64));
                byte[] out = new byte[n + length];
                System.arraycopy(in, 0, out, 0, at + length);
                System.arraycopy(in, at, out, at + length, n - at);
                return out;
            }
            default -> {
                return Arrays.copyOf(in, at);
            }
        }
    }
}
