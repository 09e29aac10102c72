package dev.anomalyops.triton;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A named tensor of one {@link Datatype}: the inputs of a request and the outputs of a response. Values are
 * row-major without padding. A tensor holds either a typed Java array or the protocol's little-endian bytes
 * (binary HTTP data, gRPC raw contents) and converts on demand, so decoding a response copies nothing until a
 * value is read. Arrays passed in and returned are shared, not copied: treat them as read-only.
 */
public final class Tensor {
    private final String name;
    private final Datatype datatype;
    private final long[] shape;
    private final long elements;
    private final Object data;

    private Tensor(String name, Datatype datatype, long[] shape, Object data, long dataElements) {
        this.name = Objects.requireNonNull(name, "name");
        this.datatype = Objects.requireNonNull(datatype, "datatype");
        this.shape = shape.clone();
        this.elements = elementCount(name, shape);
        this.data = data;
        if (dataElements != elements) {
            throw new InvalidRequestException("Tensor \"" + name + "\" has shape " + Arrays.toString(shape) + " ("
                    + elements + " elements) but " + dataElements + " values");
        }
    }

    /**
     * @param name tensor name
     * @param shape its shape, every dimension {@code >= 0}
     * @return the number of elements
     * @throws InvalidRequestException when a dimension is negative or the count overflows
     */
    public static long elementCount(String name, long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new InvalidRequestException("Tensor \"" + name + "\" has shape " + Arrays.toString(shape)
                        + "; every dimension must be >= 0 in a request or response");
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new InvalidRequestException("Tensor \"" + name + "\" has shape " + Arrays.toString(shape)
                        + ", too many elements");
            }
        }
        return count;
    }

    /**
     * @param name tensor name
     * @param shape full shape, batch dimension included
     * @param values row-major values
     * @return an FP32 tensor
     */
    public static Tensor fp32(String name, long[] shape, float[] values) {
        return new Tensor(name, Datatype.FP32, shape, values, values.length);
    }

    /**
     * @param name tensor name
     * @param shape full shape
     * @param values row-major values
     * @return an FP64 tensor
     */
    public static Tensor fp64(String name, long[] shape, double[] values) {
        return new Tensor(name, Datatype.FP64, shape, values, values.length);
    }

    /**
     * @param name tensor name
     * @param shape full shape
     * @param values row-major values
     * @return an INT64 tensor
     */
    public static Tensor int64(String name, long[] shape, long[] values) {
        return new Tensor(name, Datatype.INT64, shape, values, values.length);
    }

    /**
     * @param name tensor name
     * @param datatype INT8, INT16, INT32, UINT8 or UINT16 (values carried as ints)
     * @param shape full shape
     * @param values row-major values
     * @return the tensor
     */
    public static Tensor ints(String name, Datatype datatype, long[] shape, int[] values) {
        if (datatype != Datatype.INT8 && datatype != Datatype.INT16 && datatype != Datatype.INT32
                && datatype != Datatype.UINT8 && datatype != Datatype.UINT16) {
            throw new IllegalArgumentException("ints() takes INT8, INT16, INT32, UINT8 or UINT16, not " + datatype);
        }
        return new Tensor(name, datatype, shape, values, values.length);
    }

    /**
     * @param name tensor name
     * @param shape full shape
     * @param values row-major values
     * @return a BOOL tensor
     */
    public static Tensor bool(String name, long[] shape, boolean[] values) {
        return new Tensor(name, Datatype.BOOL, shape, values, values.length);
    }

    /**
     * @param name tensor name
     * @param shape full shape
     * @param values one byte string per element
     * @return a BYTES tensor
     */
    public static Tensor bytes(String name, long[] shape, List<byte[]> values) {
        return new Tensor(name, Datatype.BYTES, shape, List.copyOf(values), values.size());
    }

    /**
     * @param name tensor name
     * @param shape full shape
     * @param values one UTF-8 string per element
     * @return a BYTES tensor
     */
    public static Tensor strings(String name, long[] shape, List<String> values) {
        List<byte[]> bytes = new ArrayList<>(values.size());
        for (String value : values) {
            bytes.add(value.getBytes(StandardCharsets.UTF_8));
        }
        return bytes(name, shape, bytes);
    }

    /**
     * Wraps the protocol's binary form (little-endian, row-major; BYTES elements length-prefixed).
     *
     * @param name tensor name
     * @param datatype element type
     * @param shape full shape
     * @param bytes the binary contents, shared
     * @return the tensor
     * @throws InvalidRequestException when the byte count does not fit the shape
     */
    public static Tensor raw(String name, Datatype datatype, long[] shape, byte[] bytes) {
        long expected = elementCount(name, shape);
        if (datatype == Datatype.BYTES) {
            List<byte[]> elements = splitBytes(name, bytes, expected);
            return new Tensor(name, datatype, shape, elements, elements.size());
        }
        if (bytes.length % datatype.size() != 0) {
            throw new InvalidRequestException("Tensor \"" + name + "\" of " + datatype + " has " + bytes.length
                    + " bytes, not a multiple of " + datatype.size());
        }
        // Divide rather than multiply: a shape of 2^61 elements times 8 bytes overflows to 0 and would pass.
        if (bytes.length / datatype.size() != expected) {
            throw new InvalidRequestException("Tensor \"" + name + "\" has shape " + Arrays.toString(shape) + " of "
                    + datatype + " (" + expected + " elements of " + datatype.size() + " bytes) but " + bytes.length
                    + " bytes were sent");
        }
        return new Tensor(name, datatype, shape, bytes, bytes.length / datatype.size());
    }

    private static List<byte[]> splitBytes(String name, byte[] bytes, long expected) {
        List<byte[]> elements = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (elements.size() >= expected) {
                // Stop before materialising more elements than the shape holds (4 bytes of body per empty element).
                throw new InvalidRequestException("BYTES tensor \"" + name + "\" carries more than the " + expected
                        + " elements its shape holds");
            }
            if (buffer.remaining() < 4) {
                throw new InvalidRequestException("BYTES tensor \"" + name + "\" ends inside an element's length prefix");
            }
            long length = Integer.toUnsignedLong(buffer.getInt());
            if (length > buffer.remaining()) {
                throw new InvalidRequestException("BYTES tensor \"" + name + "\" declares an element of " + length
                        + " bytes but only " + buffer.remaining() + " remain");
            }
            byte[] element = new byte[(int) length];
            buffer.get(element);
            elements.add(element);
        }
        return elements;
    }

    /** @return the tensor's name */
    public String name() {
        return name;
    }

    /** @return the element type */
    public Datatype datatype() {
        return datatype;
    }

    /** @return a copy of the shape */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * @param dimension a dimension index
     * @return its size
     */
    public long dimension(int dimension) {
        return shape[dimension];
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /** @return the number of elements (product of the shape) */
    public long elementCount() {
        return elements;
    }

    /** @return whether the values are held as the protocol's bytes rather than a typed array */
    public boolean isRaw() {
        return data instanceof byte[];
    }

    /**
     * @return the values of an FP32 tensor (shared when the tensor was built from an array)
     * @throws IllegalStateException when the tensor is not FP32
     */
    public float[] floats() {
        require(Datatype.FP32);
        if (data instanceof float[] f) {
            return f;
        }
        float[] out = new float[(int) elements];
        little((byte[]) data).asFloatBuffer().get(out);
        return out;
    }

    /**
     * @return the values of an FP64 tensor
     * @throws IllegalStateException when the tensor is not FP64
     */
    public double[] doubles() {
        require(Datatype.FP64);
        if (data instanceof double[] d) {
            return d;
        }
        double[] out = new double[(int) elements];
        little((byte[]) data).asDoubleBuffer().get(out);
        return out;
    }

    /**
     * @return the values of an integer tensor widened to long (INT8..INT64, UINT8..UINT32)
     * @throws IllegalStateException when the tensor is not an integer tensor (or is UINT64)
     */
    public long[] longs() {
        if (data instanceof long[] l) {
            return l;
        }
        long[] out = new long[(int) elements];
        if (data instanceof int[] ints) {
            for (int i = 0; i < ints.length; i++) {
                out[i] = ints[i];
            }
            return out;
        }
        if (!(data instanceof byte[] bytes)) {
            throw new IllegalStateException("Tensor \"" + name + "\" is " + datatype + ", not an integer tensor");
        }
        ByteBuffer buffer = little(bytes);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (datatype) {
                case INT64, UINT64 -> buffer.getLong();
                case INT32 -> buffer.getInt();
                case UINT32 -> Integer.toUnsignedLong(buffer.getInt());
                case INT16 -> buffer.getShort();
                case UINT16 -> Short.toUnsignedLong(buffer.getShort());
                case INT8 -> buffer.get();
                case UINT8, BOOL -> Byte.toUnsignedLong(buffer.get());
                default -> throw new IllegalStateException("Tensor \"" + name + "\" is " + datatype
                        + ", not an integer tensor");
            };
        }
        return out;
    }

    /**
     * @return the values of a BOOL tensor
     * @throws IllegalStateException when the tensor is not BOOL
     */
    public boolean[] booleans() {
        require(Datatype.BOOL);
        if (data instanceof boolean[] b) {
            return b;
        }
        byte[] bytes = (byte[]) data;
        boolean[] out = new boolean[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] != 0;
        }
        return out;
    }

    /**
     * @return the elements of a BYTES tensor
     * @throws IllegalStateException when the tensor is not BYTES
     */
    @SuppressWarnings("unchecked")
    public List<byte[]> byteElements() {
        require(Datatype.BYTES);
        return (List<byte[]>) data;
    }

    /**
     * @return the values of any numeric tensor as doubles (FP16 and BF16 included), for callers that do not care
     *     whether a server answers FP32 or FP64
     */
    public double[] asDoubles() {
        double[] out = new double[(int) elements];
        switch (datatype) {
            case FP32 -> {
                float[] f = floats();
                for (int i = 0; i < f.length; i++) {
                    out[i] = f[i];
                }
            }
            case FP64 -> System.arraycopy(doubles(), 0, out, 0, out.length);
            case FP16, BF16 -> {
                ByteBuffer buffer = little(rawBytes());
                for (int i = 0; i < out.length; i++) {
                    short bits = buffer.getShort();
                    out[i] = datatype == Datatype.BF16 ? Float.intBitsToFloat((bits & 0xffff) << 16) : halfToFloat(bits);
                }
            }
            case BYTES -> throw new IllegalStateException("Tensor \"" + name + "\" is BYTES, not numeric");
            default -> {
                if (data instanceof boolean[] b) {
                    for (int i = 0; i < b.length; i++) {
                        out[i] = b[i] ? 1 : 0;
                    }
                } else {
                    long[] l = longs();
                    for (int i = 0; i < l.length; i++) {
                        out[i] = l[i];
                    }
                }
            }
        }
        return out;
    }

    /** @return the protocol's binary form: little-endian, row-major, BYTES elements length-prefixed */
    public byte[] rawBytes() {
        if (data instanceof byte[] b) {
            return b;
        }
        if (datatype == Datatype.BYTES) {
            int total = 0;
            for (byte[] element : byteElements()) {
                total += 4 + element.length;
            }
            ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            for (byte[] element : byteElements()) {
                out.putInt(element.length).put(element);
            }
            return out.array();
        }
        ByteBuffer out = ByteBuffer.allocate((int) (elements * datatype.size())).order(ByteOrder.LITTLE_ENDIAN);
        if (data instanceof float[] f) {
            out.asFloatBuffer().put(f);
        } else if (data instanceof double[] d) {
            out.asDoubleBuffer().put(d);
        } else if (data instanceof long[] l) {
            out.asLongBuffer().put(l);
        } else if (data instanceof boolean[] b) {
            for (boolean v : b) {
                out.put((byte) (v ? 1 : 0));
            }
        } else if (data instanceof int[] ints) {
            for (int v : ints) {
                switch (datatype) {
                    case INT8, UINT8 -> out.put((byte) v);
                    case INT16, UINT16 -> out.putShort((short) v);
                    default -> out.putInt(v);
                }
            }
        }
        return out.array();
    }

    /** @return the number of bytes {@link #rawBytes()} has */
    public long byteSize() {
        if (data instanceof byte[] b) {
            return b.length;
        }
        if (datatype == Datatype.BYTES) {
            long total = 0;
            for (byte[] element : byteElements()) {
                total += 4 + element.length;
            }
            return total;
        }
        return elements * datatype.size();
    }

    private void require(Datatype expected) {
        if (datatype != expected) {
            throw new IllegalStateException("Tensor \"" + name + "\" is " + datatype + ", not " + expected);
        }
    }

    private static ByteBuffer little(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h >>> 15) << 31;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0) {
            return (sign == 0 ? 1 : -1) * mantissa * 0x1p-24f;
        }
        if (exponent == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    @Override
    public String toString() {
        return "Tensor[" + name + ", " + datatype + ", " + Arrays.toString(shape) + "]";
    }
}
