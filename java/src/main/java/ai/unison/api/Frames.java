package ai.unison.api;

import java.util.Arrays;

/**
 * Pixels on the Java heap: {@code count} frames of {@code height × width × channels} unsigned
 * bytes, frame-major (THWC, the layout of a uint8 video tensor). An image is one frame. Immutable:
 * the bytes are copied in and out.
 */
public final class Frames {
    private final int count;
    private final int height;
    private final int width;
    private final int channels;
    private final byte[] data;

    private Frames(int count, int height, int width, int channels, byte[] data) {
        this.count = count;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.data = data;
    }

    /** Frames from THWC bytes (copied); {@code data.length} must be count·height·width·channels. */
    public static Frames of(int count, int height, int width, int channels, byte[] data) {
        if (count < 1 || height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("frames need positive dimensions, got " + count + "×" + height + "×"
                    + width + "×" + channels);
        }
        long size = (long) count * height * width * channels;
        if (data.length != size) {
            throw new IllegalArgumentException("frames " + count + "×" + height + "×" + width + "×" + channels
                    + " need " + size + " bytes, got " + data.length);
        }
        return new Frames(count, height, width, channels, data.clone());
    }

    /** One image from HWC bytes (copied). */
    public static Frames image(int height, int width, int channels, byte[] data) {
        return of(1, height, width, channels, data);
    }

    public int count() {
        return count;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int channels() {
        return channels;
    }

    /** The value at frame {@code t}, row {@code y}, column {@code x}, channel {@code c}, in [0, 255]. */
    public int get(int t, int y, int x, int c) {
        return data[((t * height + y) * width + x) * channels + c] & 0xff;
    }

    /** A copy of the THWC bytes. */
    public byte[] toBytes() {
        return data.clone();
    }

    /** The THWC shape, as a tensor would have it. */
    public long[] shape() {
        return new long[] {count, height, width, channels};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frames f && f.count == count && f.height == height && f.width == width
                && f.channels == channels && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape()) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Frames[" + count + "×" + height + "×" + width + "×" + channels + "]";
    }
}
