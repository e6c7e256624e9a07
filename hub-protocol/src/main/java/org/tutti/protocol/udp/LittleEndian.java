package org.tutti.protocol.udp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Absolute little-endian access to a {@link ByteBuffer}, whatever order the buffer itself is set to.
 * JackTrip writes its header and samples with memcpy on x86/ARM, so everything on the wire is LE.
 */
public final class LittleEndian {
    private static final VarHandle SHORT =
            MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT =
            MethodHandles.byteBufferViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    public static short getShort(ByteBuffer buffer, int index) {
        return (short) SHORT.get(buffer, index);
    }

    public static void putShort(ByteBuffer buffer, int index, short value) {
        SHORT.set(buffer, index, value);
    }

    public static int getInt(ByteBuffer buffer, int index) {
        return (int) INT.get(buffer, index);
    }

    public static void putInt(ByteBuffer buffer, int index, int value) {
        INT.set(buffer, index, value);
    }

    public static long getLong(ByteBuffer buffer, int index) {
        return (long) LONG.get(buffer, index);
    }

    public static void putLong(ByteBuffer buffer, int index, long value) {
        LONG.set(buffer, index, value);
    }

    public static float getFloat(ByteBuffer buffer, int index) {
        return (float) FLOAT.get(buffer, index);
    }

    public static void putFloat(ByteBuffer buffer, int index, float value) {
        FLOAT.set(buffer, index, value);
    }
}
