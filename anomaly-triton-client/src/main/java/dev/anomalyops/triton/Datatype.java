package dev.anomalyops.triton;

import java.util.Locale;

/** The protocol's tensor element types, with their size in bytes ({@code BYTES} elements have no fixed size). */
public enum Datatype {
    /** 1-byte boolean. */
    BOOL(1),
    /** Unsigned 8-bit integer. */
    UINT8(1),
    /** Unsigned 16-bit integer. */
    UINT16(2),
    /** Unsigned 32-bit integer. */
    UINT32(4),
    /** Unsigned 64-bit integer. */
    UINT64(8),
    /** Signed 8-bit integer. */
    INT8(1),
    /** Signed 16-bit integer. */
    INT16(2),
    /** Signed 32-bit integer. */
    INT32(4),
    /** Signed 64-bit integer. */
    INT64(8),
    /** Half-precision float (binary data only). */
    FP16(2),
    /** Single-precision float. */
    FP32(4),
    /** Double-precision float. */
    FP64(8),
    /** Byte strings, each prefixed by its 4-byte little-endian length in binary form. */
    BYTES(-1),
    /** bfloat16 (a Triton extension; binary data only). */
    BF16(2);

    private final int size;

    Datatype(int size) {
        this.size = size;
    }

    /** @return bytes per element, or -1 for {@link #BYTES} */
    public int size() {
        return size;
    }

    /**
     * @param wire a datatype as written in the protocol, e.g. {@code FP32}
     * @return the datatype
     * @throws IllegalArgumentException naming the unknown datatype
     */
    public static Datatype of(String wire) {
        try {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown datatype \"" + wire + "\"; expected one of BOOL, UINT8, UINT16,"
                    + " UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES, BF16", e);
        }
    }
}
