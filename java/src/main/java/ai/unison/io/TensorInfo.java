package ai.unison.io;

import java.util.Arrays;

/** One header entry of a safetensors file: byte range relative to the start of the data section. */
public record TensorInfo(String name, SafeDType dtype, long[] shape, long begin, long end) {
    public long numel() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    public long byteLength() {
        return end - begin;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
