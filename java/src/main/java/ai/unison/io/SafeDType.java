package ai.unison.io;

import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;
import java.util.Optional;

/** The safetensors dtypes that libtorch can hold, with their element sizes. */
public enum SafeDType {
    F64(ScalarType.Double, 8),
    F32(ScalarType.Float, 4),
    F16(ScalarType.Half, 2),
    BF16(ScalarType.BFloat16, 2),
    I64(ScalarType.Long, 8),
    I32(ScalarType.Int, 4),
    I16(ScalarType.Short, 2),
    I8(ScalarType.Char, 1),
    U8(ScalarType.Byte, 1),
    BOOL(ScalarType.Bool, 1);

    private final ScalarType scalarType;
    private final int size;

    SafeDType(ScalarType scalarType, int size) {
        this.scalarType = scalarType;
        this.size = size;
    }

    public ScalarType scalarType() {
        return scalarType;
    }

    public int size() {
        return size;
    }

    public static Optional<SafeDType> fromName(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    public static SafeDType of(ScalarType type) {
        for (SafeDType d : values()) {
            if (d.scalarType.value == type.value) {
                return d;
            }
        }
        throw new IllegalArgumentException("libtorch dtype " + type + " has no safetensors equivalent here");
    }
}
