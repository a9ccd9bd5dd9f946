package ai.unison.runtime;

import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Locale;

/** The floating-point types models compute in. */
public enum DType {
    FLOAT32(ScalarType.Float, 4),
    BFLOAT16(ScalarType.BFloat16, 2),
    FLOAT16(ScalarType.Half, 2);

    private final ScalarType scalarType;
    private final int bytes;

    DType(ScalarType scalarType, int bytes) {
        this.scalarType = scalarType;
        this.bytes = bytes;
    }

    public ScalarType scalarType() {
        return scalarType;
    }

    public int bytes() {
        return bytes;
    }

    /** Accepts the names people and configs use: float32/fp32/f32, bfloat16/bf16, float16/fp16/half. */
    public static DType parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "float32", "fp32", "f32", "float" -> FLOAT32;
            case "bfloat16", "bf16" -> BFLOAT16;
            case "float16", "fp16", "f16", "half" -> FLOAT16;
            default -> throw new IllegalArgumentException(
                    "unknown dtype '" + name + "'; expected float32, bfloat16 or float16");
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
